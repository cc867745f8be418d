#!/bin/sh
set -e
mkdir -p /tmp/app
echo "starting server"
/app/server & # want SS2016 "Dockerfile:4 ENTRYPOINT runs /entrypoint.sh \\(entrypoint.sh\\), which starts /app/server in the background at entrypoint.sh:5 and then ends without waiting for it"
