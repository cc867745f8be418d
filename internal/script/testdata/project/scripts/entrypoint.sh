#!/bin/sh
set -eu
# Start the server from its own directory.
cd "$(dirname "$0")"
: "${DATABASE_URL:?DATABASE_URL must be set}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
exec ./app --port "$PORT" --db "$DATABASE_URL"
