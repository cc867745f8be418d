#!/bin/sh
# Collects the snapshots of the shipshape-snapshot DaemonSet (daemonset.yaml) into DIR, one
# NODE.json per node, from the snapshot init container's log. Usage: collect.sh [DIR]
set -eu
dir=${1:-snapshots}
mkdir -p "$dir"
kubectl -n shipshape rollout status daemonset/shipshape-snapshot --timeout=5m
kubectl -n shipshape get pods -l app.kubernetes.io/name=shipshape-snapshot \
  -o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName}{"\n"}{end}' |
while read -r pod node; do
  kubectl -n shipshape logs "$pod" -c snapshot >"$dir/$node.json"
  echo "$dir/$node.json"
done
