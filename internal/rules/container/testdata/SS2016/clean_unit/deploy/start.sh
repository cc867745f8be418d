#!/bin/bash
cd /opt/app || exit 1
export APP_ENV=production
exec ./server >> /var/log/app.log 2>&1
