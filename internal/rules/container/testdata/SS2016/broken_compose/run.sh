#!/bin/sh
/app/server >> /tmp/api.log 2>&1 & # want SS2016 "runs /app/run.sh \\(run.sh\\), which starts /app/server in the background at run.sh:2 .*docker compose prints .exited with code 0."
