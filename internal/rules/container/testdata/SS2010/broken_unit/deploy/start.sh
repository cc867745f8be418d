#!/bin/sh
cd /opt/app
exec ./app
