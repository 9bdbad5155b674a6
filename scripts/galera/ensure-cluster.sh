#!/usr/bin/env bash
# Make sure the private 3-node Galera cluster of the tests answers (.ci/run calls this; so can you):
# a healthy cluster left running by an earlier run is reused; anything else is stopped and the
# cluster started from nothing (start-cluster.sh). Exits non-zero, loudly, when it does not come up.
# Needs root (the nodes run as the OS user 'mysql'), mariadb-server, galera-4 and rsync.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

status() {  # $1 = node, $2 = status variable
  mariadb --no-defaults -h127.0.0.1 -P334"$1" -uroot -N -B \
    -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='$2'" 2>/dev/null || true
}

healthy() {
  for n in 1 2 3; do
    [ "$(status "$n" WSREP_LOCAL_STATE_COMMENT)" = Synced ] && [ "$(status "$n" WSREP_CLUSTER_SIZE)" = 3 ] || return 1
  done
}

if healthy; then echo "galera: reusing the cluster already running on ports 3341-3343"; exit 0; fi
echo "galera: starting the cluster (about 30-50 s)"
"$here/stop-cluster.sh"
"$here/start-cluster.sh"
healthy || { echo "galera: the cluster is not healthy after start-cluster.sh" >&2; exit 1; }
