#!/bin/sh
cd /app
nohup /app/server --config /app/config.yaml > /tmp/server.log 2>&1 & # want SS2016 "the script docker-entrypoint.sh runs /app/start.sh \\(start.sh\\), which starts /app/server in the background at start.sh:3"
echo "server started"
