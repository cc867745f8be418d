#!/bin/sh
# want SS2007 "run.sh:3 runs ./app relative to the working directory, but unit app.service \\(deploy/app.service:5\\) starts the script without WorkingDirectory="
exec ./app --port 8080
