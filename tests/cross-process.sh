#!/bin/sh
# Cross-process tests of the store with real azctx processes and real files: 16 writers x 200
# operations with a polling reader, 1,000 kill -9 trials, umask 000 permissions, corrupt-file
# quarantine, lock timeout. They also run as part of `cargo test --workspace`; this script runs only
# them, one at a time, and shows the figures each test prints.
#
# Usage: tests/cross-process.sh [extra cargo test args]
set -eu
cd "$(dirname "$0")/.."
exec cargo test -p azcontext-cli --test cross_process "$@" -- --nocapture --test-threads=1
