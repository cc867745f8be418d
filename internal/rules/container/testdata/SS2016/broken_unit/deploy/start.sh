#!/bin/bash
cd /opt/app || exit 1
export APP_ENV=production
nohup ./server > /var/log/app.log 2>&1 & # want SS2016 "deploy/app.service:7: unit app.service \\(Type=simple\\) runs /opt/app/start.sh, which is deploy/start.sh of the repository; it starts ./server in the background at deploy/start.sh:4"
echo "app started"
