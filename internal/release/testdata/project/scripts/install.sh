#!/bin/sh
set -e
install -m755 ./app /usr/local/bin/app
cp -f ./app.service /etc/systemd/system/app.service
sudo cp app /usr/bin/
cp ./tool $HOME/.local/bin
