#!/bin/sh
set -e
cd /srv/web
exec server "$@"
