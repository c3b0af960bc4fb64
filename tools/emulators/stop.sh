#!/usr/bin/env bash
# Stops the emulators tools/emulators/start.sh started (pidfile host.pid in the state folder). The
# host removes emulators.json and emulators.ps1 as it stops. Stopping what is not running is no error.
#
#   stop.sh [--state-dir DIR]      (default $IMAGECMDLETS_EMULATORS_STATE, else /tmp/imagecmdlets-emulators)
set -euo pipefail

STATE_DIR=${IMAGECMDLETS_EMULATORS_STATE:-/tmp/imagecmdlets-emulators}
while [ $# -gt 0 ]; do
  case "$1" in
    --state-dir) STATE_DIR=${2:?--state-dir needs a folder}; shift ;;
    *) echo "usage: $0 [--state-dir DIR]" >&2; exit 2 ;;
  esac
  shift
done
PIDFILE=$STATE_DIR/host.pid

if [ ! -f "$PIDFILE" ]; then
  echo "No emulators to stop (no $PIDFILE)."
  exit 0
fi
PID=$(cat "$PIDFILE")
# Only our host: a pid left in a stale file may belong to another process by now.
if kill -0 "$PID" 2>/dev/null && ps -o args= -p "$PID" | grep -q 'ImageCmdlets.Emulators.dll'; then
  kill -TERM "$PID"
  for _ in $(seq 150); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$PID" 2>/dev/null; then
    echo "warning: the emulator host (pid $PID) ignored SIGTERM for 15s; killing it" >&2
    kill -KILL "$PID" || true
    rm -f "$STATE_DIR/emulators.json" "$STATE_DIR/emulators.ps1"
  fi
  echo "Emulators stopped (pid $PID)."
else
  echo "The emulator host (pid $PID) was not running; removing its leftovers."
  rm -f "$STATE_DIR/emulators.json" "$STATE_DIR/emulators.ps1"
fi
rm -f "$PIDFILE"
