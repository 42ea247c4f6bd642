#!/usr/bin/env bash
# A MariaDB read replica beside the main MariaDB, for Frappe's `read_from_replica` (README: "Reads
# from a replica"). Run as root. The one place that knows how the pair is made: dev.sh calls it for
# CI, and a developer can run a pair of their own without touching the machine's MariaDB.
#
#   mariadb-replica.sh primary-conf FILE   write the main MariaDB's binlog and GTID settings to FILE
#                                         (read at its next start: binlog, server_id 1, GTID strict)
#   mariadb-replica.sh primary             start a primary of one's own (datadir $CL_PRIMARY_DIR, port
#                                         $CL_PRIMARY_PORT, root password $CL_DB_ROOT_PASSWORD)
#   mariadb-replica.sh replica             start a replica on $CL_REPLICA_PORT (datadir $CL_REPLICA_DIR),
#                                         seeded from the primary on $CL_PRIMARY_PORT with a dump taken at
#                                         one GTID position, then replicating from there (slave_pos)
#   mariadb-replica.sh status              the replica's IO and SQL threads and its lag
#   mariadb-replica.sh stop                stop the instances this script started (by their pid files)
#
# The replica is read_only: a write that reached it by mistake fails instead of forking the data.
set -euo pipefail

ROOT_PASSWORD="${CL_DB_ROOT_PASSWORD:-root}"
PRIMARY_PORT="${CL_PRIMARY_PORT:-3306}"
PRIMARY_DIR="${CL_PRIMARY_DIR:-/var/tmp/customer-lifecycle-primary}"
REPLICA_PORT="${CL_REPLICA_PORT:-3307}"
REPLICA_DIR="${CL_REPLICA_DIR:-/var/tmp/customer-lifecycle-replica}"
REPL_USER=cl_replication
REPL_PASSWORD="${CL_REPLICATION_PASSWORD:-replication}"

die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }
sql() {
	# sql PORT STATEMENTS: as root over TCP
	mariadb --no-defaults -h127.0.0.1 -P"$1" -uroot -p"$ROOT_PASSWORD" -N -B -e "$2"
}

wait_for() {
	# wait_for PORT: until the server answers
	for _ in $(seq 60); do
		mariadb-admin --no-defaults -h127.0.0.1 -P"$1" -uroot -p"$ROOT_PASSWORD" ping --silent 2>/dev/null && return
		mariadb-admin --no-defaults -h127.0.0.1 -P"$1" -uroot ping --silent 2>/dev/null && return
		sleep 1
	done
	die "MariaDB on port $1 did not start (see $2/error.log)"
}

primary_settings() {
	cat <<CNF
server_id = 1
log_bin = mariadb-bin
binlog_format = ROW
gtid_strict_mode = 1
log_slave_updates = 1
CNF
}

start_instance() {
	# start_instance DIR PORT SERVER_SETTINGS...: a mariadbd of its own, reading no system config
	local dir="$1" port="$2"
	shift 2
	if [ -f "$dir/mariadbd.pid" ] && kill -0 "$(cat "$dir/mariadbd.pid")" 2>/dev/null; then
		echo "   already running on port $port (pid $(cat "$dir/mariadbd.pid"))"
		return
	fi
	mkdir -p "$dir"
	if [ ! -d "$dir/data/mysql" ]; then
		mariadb-install-db --no-defaults --user=mysql --datadir="$dir/data" --auth-root-authentication-method=normal \
			>"$dir/install.log" 2>&1 || die "mariadb-install-db failed (see $dir/install.log)"
	fi
	chown -R mysql:mysql "$dir"
	{
		echo "[mysqld]"
		echo "datadir = $dir/data"
		echo "port = $port"
		echo "bind-address = 127.0.0.1"
		echo "socket = $dir/mariadbd.sock"
		echo "pid-file = $dir/mariadbd.pid"
		echo "log-error = $dir/error.log"
		echo "user = mysql"
		# Frappe needs utf8mb4 as the server character set
		echo "character-set-server = utf8mb4"
		echo "collation-server = utf8mb4_unicode_ci"
		echo "character-set-client-handshake = FALSE"
		printf '%s\n' "$@"
	} >"$dir/my.cnf"
	(setsid mariadbd --defaults-file="$dir/my.cnf" >/dev/null 2>&1 &)
	wait_for "$port" "$dir"
	if mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -e "select 1" >/dev/null 2>&1; then
		mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -e \
			"SET sql_log_bin = 0; ALTER USER 'root'@'localhost' IDENTIFIED BY '$ROOT_PASSWORD';
			 CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$ROOT_PASSWORD';
			 GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
			 DROP USER IF EXISTS ''@'localhost'; DROP USER IF EXISTS ''@'$(hostname)'; FLUSH PRIVILEGES;"
	fi
	echo "   MariaDB on port $port, datadir $dir/data"
}

cmd_primary_conf() {
	local file="${1:?primary-conf needs the config file to write}"
	{
		echo "# written by .ci/mariadb-replica.sh: the primary of a read replica (binlog, GTID)"
		echo "[mysqld]"
		primary_settings
	} >"$file"
	echo "   binlog and GTID set ($file)"
}

cmd_primary() {
	start_instance "$PRIMARY_DIR" "$PRIMARY_PORT" "$(primary_settings)"
}

cmd_replica() {
	[ "$(sql "$PRIMARY_PORT" 'select @@log_bin')" = 1 ] \
		|| die "the primary on port $PRIMARY_PORT has no binary log: its config needs log_bin and server_id (mariadb-replica.sh primary-conf), then a restart"
	if [ "$(sql "$REPLICA_PORT" 'select 1' 2>/dev/null)" = 1 ] \
		&& [ "$(sql "$REPLICA_PORT" "select count(*) from information_schema.processlist where command = 'Slave_IO'" 2>/dev/null)" = 1 ]; then
		echo "   the replica on port $REPLICA_PORT is running"
		return
	fi
	# a fresh datadir each time: the seed below is the replica's whole content
	if [ -f "$REPLICA_DIR/mariadbd.pid" ]; then stop_instance "$REPLICA_DIR"; fi
	rm -rf "$REPLICA_DIR"
	start_instance "$REPLICA_DIR" "$REPLICA_PORT" \
		"server_id = $((REPLICA_PORT % 10000 + 100))" "read_only = 1" "relay_log = relay-bin" \
		"gtid_strict_mode = 1" "log_bin = mariadb-bin" "log_slave_updates = 1" "skip_slave_start = 1"
	for host in localhost %; do
		sql "$PRIMARY_PORT" "CREATE USER IF NOT EXISTS '$REPL_USER'@'$host' IDENTIFIED BY '$REPL_PASSWORD';
			GRANT REPLICATION SLAVE ON *.* TO '$REPL_USER'@'$host';"
	done
	# the seed: every database and the users, read in one transaction at one GTID position, which the
	# dump records as the replica's starting point (SET GLOBAL gtid_slave_pos)
	mariadb-dump --no-defaults -h127.0.0.1 -P"$PRIMARY_PORT" -uroot -p"$ROOT_PASSWORD" \
		--all-databases --single-transaction --master-data=1 --gtid --routines --events --triggers \
		>"$REPLICA_DIR/seed.sql"
	local position
	position="$(grep -m1 -o "gtid_slave_pos='[^']*'" "$REPLICA_DIR/seed.sql" | cut -d"'" -f2 || true)"
	# loaded outside the replica's own binlog, so its GTID history stays the primary's
	{ echo "RESET MASTER; SET sql_log_bin = 0;"; cat "$REPLICA_DIR/seed.sql"; } \
		| mariadb --no-defaults -h127.0.0.1 -P"$REPLICA_PORT" -uroot -p"$ROOT_PASSWORD"
	rm -f "$REPLICA_DIR/seed.sql"
	# the dump carried the primary's users (root's password included): the privileges it loaded apply now
	sql "$REPLICA_PORT" "SET sql_log_bin = 0; FLUSH PRIVILEGES; SET GLOBAL gtid_slave_pos = '$position';
		CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $PRIMARY_PORT, MASTER_USER = '$REPL_USER',
			MASTER_PASSWORD = '$REPL_PASSWORD', MASTER_USE_GTID = slave_pos;
		START SLAVE;"
	for _ in $(seq 30); do
		[ "$(sql "$REPLICA_PORT" "SHOW SLAVE STATUS\G" | grep -cE '_Running: Yes$')" = 2 ] && break
		sleep 1
	done
	cmd_status
}

cmd_status() {
	local status
	status="$(mariadb --no-defaults -h127.0.0.1 -P"$REPLICA_PORT" -uroot -p"$ROOT_PASSWORD" -e "SHOW SLAVE STATUS\G")"
	printf '%s\n' "$status" | grep -E 'Slave_(IO|SQL)_Running:|Seconds_Behind_Master|Gtid_IO_Pos|Last_(IO|SQL)_Error:' | sed 's/^ */   /'
	printf '%s\n' "$status" | grep -q 'Slave_IO_Running: Yes' && printf '%s\n' "$status" | grep -q 'Slave_SQL_Running: Yes' \
		|| die "the replica on port $REPLICA_PORT is not replicating (above)"
}

stop_instance() {
	local dir="$1" pid
	[ -f "$dir/mariadbd.pid" ] || return 0
	pid="$(cat "$dir/mariadbd.pid")"
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
	echo "   stopped pid $pid ($dir)"
}

cmd_stop() {
	stop_instance "$REPLICA_DIR"
	stop_instance "$PRIMARY_DIR"
}

[ "$(id -u)" = 0 ] || die "run as root (the instances run as the mysql user)"
command="${1:-}"
shift || true
case "$command" in
	primary-conf) cmd_primary_conf "$@" ;;
	primary) cmd_primary ;;
	replica) cmd_replica ;;
	status) cmd_status ;;
	stop) cmd_stop ;;
	*) die "usage: mariadb-replica.sh primary-conf FILE | primary | replica | status | stop" ;;
esac
