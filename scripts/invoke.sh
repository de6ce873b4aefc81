#!/usr/bin/env bash
# Invoke a function's real bootstrap with an event through SAM's Lambda Runtime Interface
# Emulator, on the host, as `sam local invoke` does without Docker (make invoke):
#
#   scripts/invoke.sh FN EVENT [Parameter=Value ...]
#   scripts/invoke.sh health events/health-v2-ready.json
#   scripts/invoke.sh health events/health-v2-health.json Details=always \
#       'ChecksJson=[{"name":"db","type":"tcp","address":"127.0.0.1:55432"}]'
#
# The work is done by internal/invoke (go run ./internal/invoke; its doc comment says what
# environment the function gets): the emulator through internal/rie, the one runner the
# tests use, and template.yaml through infra/parity's CloudFormation evaluator.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/invoke "$@"
