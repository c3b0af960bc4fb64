#!/usr/bin/env bash
# Starts every cloud emulator (tests/ImageCmdlets.Emulators) in the background on free loopback ports,
# for CI and the Pester tests, and waits until they all listen. Then $STATE_DIR/emulators.json lists
# each one's endpoint, regions, key and modelled conditions, and emulators.ps1 defines $Tencent,
# $Alibaba, ... for splatting. tools/emulators/stop.sh stops them.
#
#   start.sh [--no-build] [--state-dir DIR] [-- more host options, e.g. --latency-ms 20 --no-sample]
#
# --no-build runs the host as last built (dotnet build tests/ImageCmdlets.Emulators -c Release).
# The state folder defaults to $IMAGECMDLETS_EMULATORS_STATE, else /tmp/imagecmdlets-emulators.
set -euo pipefail
SCRIPTS=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$SCRIPTS/../.." && pwd)

STATE_DIR=${IMAGECMDLETS_EMULATORS_STATE:-/tmp/imagecmdlets-emulators}
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --state-dir) STATE_DIR=${2:?--state-dir needs a folder}; shift ;;
    --) shift; break ;;
    *) echo "usage: $0 [--no-build] [--state-dir DIR] [-- host options]" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)
PIDFILE=$STATE_DIR/host.pid
READY=$STATE_DIR/emulators.json
LOG=$STATE_DIR/host.log
TIMEOUT_SECONDS=120

PROJECT=$REPO/tests/ImageCmdlets.Emulators
HOST_DLL=$PROJECT/bin/Release/net10.0/ImageCmdlets.Emulators.dll

if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "error: the emulators already run (pid $(cat "$PIDFILE"), $READY); stop them with $SCRIPTS/stop.sh" >&2
  exit 1
fi

if [ "$BUILD" = 1 ]; then
  echo "== Building the emulator host"
  dotnet build "$PROJECT" -c Release -v quiet --nologo
fi
[ -f "$HOST_DLL" ] || { echo "error: $HOST_DLL is not built (run without --no-build)" >&2; exit 1; }

# A file left by a host that was killed would look like readiness.
rm -f "$READY"
# In its own session where possible, stdin from /dev/null: the host outlives this script and its terminal.
LAUNCH=$(command -v setsid || true)
$LAUNCH dotnet "$HOST_DLL" --random-ports --state-dir "$STATE_DIR" "$@" </dev/null >"$LOG" 2>&1 &
echo $! >"$PIDFILE"

DEADLINE=$((SECONDS + TIMEOUT_SECONDS))
while [ "$SECONDS" -lt "$DEADLINE" ]; do
  if [ -f "$READY" ]; then
    echo "Emulators running (pid $(cat "$PIDFILE")): $READY"
    echo "  PowerShell: . $STATE_DIR/emulators.ps1   then e.g. Get-CloudImage @Tencent"
    exit 0
  fi
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    echo "error: the emulator host exited before it was ready; its output ($LOG):" >&2
    cat "$LOG" >&2
    rm -f "$PIDFILE"
    exit 1
  fi
  sleep 0.2
done
echo "error: the emulators were not ready after ${TIMEOUT_SECONDS}s; output so far ($LOG):" >&2
cat "$LOG" >&2
bash "$SCRIPTS/stop.sh" --state-dir "$STATE_DIR" >/dev/null || true
exit 1
