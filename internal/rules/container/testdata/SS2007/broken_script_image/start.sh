#!/bin/sh
set -e
# want SS2007 "start.sh:4 runs ./app relative to the working directory, which is / \\(Dockerfile:1\\) when Dockerfile:4 ENTRYPOINT starts the script, but the image has no /app: the program is at /opt/app/app"
exec ./app "$@"
