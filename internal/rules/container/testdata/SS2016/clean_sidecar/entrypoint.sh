#!/bin/sh
set -e
# the log shipper runs alongside; the server is the foreground program the script waits on
/app/logship --follow /tmp/app.log &
/app/server --log /tmp/app.log
