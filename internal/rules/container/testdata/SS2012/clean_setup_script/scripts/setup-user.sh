#!/bin/sh
set -e
adduser -D -u 10001 app
