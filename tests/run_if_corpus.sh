#!/bin/sh
# Runs a command only when the reference corpus exists; exit 77 (ctest: skipped) otherwise.
corpus=$1; shift
if [ ! -d "$corpus" ]; then
  echo "SKIP: reference corpus not found at $corpus" >&2
  exit 77
fi
exec "$@"
