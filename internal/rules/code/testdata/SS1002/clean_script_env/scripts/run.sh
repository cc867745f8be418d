#!/bin/sh
set -e
export GIN_MODE=release
exec /usr/local/bin/svc
