#!/bin/sh
set -e
if [ -n "$CONFIG" ]; then
	cp "$CONFIG" /app/config.yaml
fi
exec /app/start.sh
