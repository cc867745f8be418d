#!/bin/sh
# warms a cache in the background; the entrypoint goes on to run the server
/app/server --warm-cache &
