#!/bin/sh
set -e
mkdir -p /tmp/app
/app/server &
PID=$!
trap 'kill -TERM $PID' TERM INT
echo "server started as $PID"
wait $PID
