#!/bin/bash
set -a
source /etc/api/env
set +a
( cd /usr/local/lib/api && ./api-server ) & # want SS2016 "unit api.service \\(Type=exec\\) runs /usr/local/lib/api/launch.sh, which is deploy/launch.sh of the repository; it starts ./api-server in the background"
