#!/bin/sh
exec /usr/local/bin/api
