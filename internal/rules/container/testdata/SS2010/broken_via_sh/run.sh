#!/bin/bash
set -euo pipefail
exec /usr/local/bin/server
