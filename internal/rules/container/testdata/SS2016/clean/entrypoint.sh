#!/bin/sh
set -e
mkdir -p /tmp/app
echo "starting server"
exec /app/server
