#!/bin/sh
set -e
API_TOKEN="$(cat /run/secrets/api_token)"
export API_TOKEN
exec "$@"
