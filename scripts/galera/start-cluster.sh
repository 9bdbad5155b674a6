#!/usr/bin/env bash
# Start a private 3-node MariaDB Galera cluster on 127.0.0.1 from nothing.
# (Carried in the repo from the team's cluster kit, ../shared/galera, so that CI on a fresh machine has it.)
#   client ports 3341-3343, gcomm 4571-4573, IST 4581-4583, SST (rsync) 4591-4593.
#   data under $GL_BASE (default $TMPDIR/retort-galera)/nodeN; root@127.0.0.1 with an empty password over TCP.
#   The nodes run as the OS user 'mysql' (not root): the rsync SST daemon that a joiner starts
#   drops to 'nobody' when it runs as root and then cannot write the root-owned datadir
#   ("rsync: [receiver] open \"ibdata1\" ... Permission denied (13)", SST fails, joiner aborts).
# Usage: start-cluster.sh [--keep]    (--keep: reuse existing datadirs instead of wiping them)
# Never touches the shared server on 3306 (each node reads only its own --defaults-file).
set -euo pipefail
BASE=${GL_BASE:-${TMPDIR:-/tmp}/retort-galera}
KEEP=0; [ "${1:-}" = "--keep" ] && KEEP=1
PROVIDER=/usr/lib/galera/libgalera_smm.so
RUN_USER=${GL_USER:-mysql}
CLUSTER_ADDR="gcomm://127.0.0.1:4571,127.0.0.1:4572,127.0.0.1:4573"

for n in 1 2 3; do
  if [ -f "$BASE/node$n/mysqld.pid" ] && kill -0 "$(cat "$BASE/node$n/mysqld.pid")" 2>/dev/null; then
    echo "node$n already running (pid $(cat "$BASE/node$n/mysqld.pid")); run stop-cluster.sh first" >&2; exit 1
  fi
done

write_cnf() {  # $1 = node number
  local n=$1 d="$BASE/node$1"
  mkdir -p "$d"; chown "$RUN_USER" "$BASE" "$d"
  cat > "$d/my.cnf" <<CNF
[mysqld]
user=$RUN_USER
datadir=$d/data
socket=$d/mysqld.sock
pid-file=$d/mysqld.pid
log-error=$d/error.log
port=334$n
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
performance_schema=OFF
innodb_buffer_pool_size=64M
innodb_log_file_size=48M
innodb_flush_log_at_trx_commit=2
default_storage_engine=InnoDB
binlog_format=ROW
innodb_autoinc_lock_mode=2
max_connections=200
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=gl_cluster
wsrep_cluster_address=$CLUSTER_ADDR
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:457$n
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:457$n;ist.recv_addr=127.0.0.1:458$n;gcache.size=64M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:459$n
[client]
port=334$n
socket=$d/mysqld.sock
CNF
}

init_datadir() {
  local d="$BASE/node$1"
  rm -rf "$d/data"; mkdir -p "$d/data"
  chown "$RUN_USER" "$d"
  mariadb-install-db --no-defaults --user="$RUN_USER" --datadir="$d/data" \
    --auth-root-authentication-method=normal --skip-test-db >"$d/install.log" 2>&1
}

start_node() {  # $1 = node number, rest = extra args
  local n=$1; shift
  local d="$BASE/node$n"
  # --defaults-file must be first; nohup + setsid so the node survives this shell
  setsid nohup mariadbd --defaults-file="$d/my.cnf" "$@" >>"$d/stdout.log" 2>&1 < /dev/null &
}

q() {  # $1 = node number, rest = SQL
  local n=$1; shift
  mariadb --no-defaults -h127.0.0.1 -P334$n -uroot -N -B -e "$*" 2>/dev/null
}

wait_synced() {  # $1 = node, $2 = timeout s
  local n=$1 t=${2:-120} i=0
  while [ $i -lt "$t" ]; do
    if [ "$(q "$n" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT'")" = "Synced" ]; then return 0; fi
    sleep 1; i=$((i+1))
  done
  echo "node$n not Synced after ${t}s; see $BASE/node$n/error.log" >&2; tail -20 "$BASE/node$n/error.log" >&2; return 1
}

if [ $KEEP = 0 ]; then
  rm -rf "$BASE"
  for n in 1 2 3; do write_cnf $n; init_datadir $n; done
else
  for n in 1 2 3; do write_cnf $n; done
  # a cleanly stopped cluster: allow node1 to bootstrap
  sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$BASE/node1/data/grastate.dat" 2>/dev/null || true
fi

start_node 1 --wsrep-new-cluster
wait_synced 1 120
# root over TCP from 127.0.0.1 (mariadb-install-db 'normal' already creates root@127.0.0.1; make sure)
q 1 "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" || true
start_node 2
wait_synced 2 180
start_node 3
wait_synced 3 180

size=0
for i in $(seq 1 60); do
  size=$(q 1 "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_CLUSTER_SIZE'")
  [ "$size" = "3" ] && break; sleep 1
done
[ "$size" = "3" ] || { echo "wsrep_cluster_size=$size, expected 3" >&2; exit 1; }
for n in 1 2 3; do
  echo "node$n pid=$(cat "$BASE/node$n/mysqld.pid") port=334$n size=$(q $n "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_CLUSTER_SIZE'") state=$(q $n "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT'")"
done
echo "cluster up: wsrep_cluster_size=3"
