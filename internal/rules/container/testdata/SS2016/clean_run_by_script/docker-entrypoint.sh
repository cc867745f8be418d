#!/bin/sh
set -e
/app/prepare.sh
exec /app/server
