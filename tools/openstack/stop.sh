#!/usr/bin/env bash
# Stop the Glance and Keystone daemons that start.sh launched, using only the
# pids recorded in $OS_CI_STATE (nothing is looked up by name).
#
#   stop.sh            stop, keep the state dir (logs, databases)
#   stop.sh --purge    stop, then delete the state dir
#
# Each daemon is a session leader (start.sh runs it under setsid), so its
# process group holds exactly that daemon and its children: SIGTERM to the
# main pid (repeated each second), up to OS_CI_STOP_TIMEOUT (20) s, then
# SIGKILL to the group.  Returns once the processes are gone (ports free).
# Safe to call when nothing runs; always exits 0 unless misused.
set -uo pipefail

STATE=${OS_CI_STATE:-/tmp/imagecmdlets-openstack}
MARKER=.imagecmdlets-openstack
TIMEOUT=${OS_CI_STOP_TIMEOUT:-20}

purge=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
  esac
done

group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# stop_one NAME PIDFILE WORD   (WORD must appear in the process's command line)
stop_one() {
  local name=$1 pf=$2 word=$3 pid i
  [ -f "$pf" ] || return 0
  pid=$(cat "$pf" 2>/dev/null || true)
  case "$pid" in ''|*[!0-9]*) rm -f "$pf"; return 0 ;; esac
  if ! kill -0 "$pid" 2>/dev/null && ! group_alive "$pid"; then
    rm -f "$pf"; return 0              # already gone
  fi
  # Guard against a stale pidfile whose pid now belongs to something else.
  if kill -0 "$pid" 2>/dev/null && ! tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$word"; then
    echo "stop.sh: pid $pid from $pf is not $name any more; leaving it alone" >&2
    rm -f "$pf"; return 0
  fi
  # uwsgi's master runs with --die-on-term, so SIGTERM takes its workers and
  # HTTP router down too; glance-api is a single process (workers = 0).
  # SIGTERM is repeated every second: a uwsgi master that is still importing
  # keystone (the first ~5-10 s) loses a SIGTERM for good and would run on.
  for ((i = 0; i < TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    if ((i % 10 == 0)); then kill -TERM "$pid" 2>/dev/null; fi
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop.sh: $name (pid $pid) ignored SIGTERM for ${TIMEOUT}s, sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null
  fi
  # Children left behind in the daemon's own group (should not happen).
  for ((i = 0; i < 30; i++)); do group_alive "$pid" || break; sleep 0.1; done
  if group_alive "$pid"; then
    echo "stop.sh: killing leftover processes of $name (process group $pid)"
    kill -KILL -- "-$pid" 2>/dev/null
    for ((i = 0; i < 30; i++)); do group_alive "$pid" || break; sleep 0.1; done
  fi
  echo "stop.sh: stopped $name (pid $pid)"
  rm -f "$pf"
}

# Both at once: each takes 2-3 s to shut down.
stop_one keystone "$STATE/keystone/keystone.pid" uwsgi &
stop_one glance-api "$STATE/glance/glance-api.pid" glance-api &
wait

if [ "$purge" = 1 ] && [ -d "$STATE" ]; then
  if [ -e "$STATE/$MARKER" ]; then
    rm -rf "$STATE"
    echo "stop.sh: removed $STATE"
  else
    echo "stop.sh: $STATE was not made by start.sh (no $MARKER); not removing it" >&2
  fi
fi
exit 0
