#!/bin/sh
/opt/app/server &
echo $! > /run/app.pid
