#!/bin/sh
exec /app/worker --once
