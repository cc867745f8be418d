#!/bin/sh
set -e
install -m 0755 app /usr/local/bin/app
setcap 'cap_net_bind_service=+ep' /usr/local/bin/app
cp deploy/app.service /etc/systemd/system/
