#!/usr/bin/env bash
# customer_lifecycle developer commands.
#
#   ./dev.sh start [--customers N]   everything, then a demo site with Faker data on http://localhost:8000
#   ./dev.sh test [pytest args]      everything, then a fresh test site and every suite
#   ./dev.sh setup                   only the machine: packages, MariaDB, Redis, the bench user, CLI and bench
#   ./dev.sh screenshots             the README's screenshots (docs/), from the demo site
#
# Run as root on a fresh Debian 12 or Ubuntu 22.04+ machine, `start` and `test` install what is missing
# (system packages, MariaDB set to utf8mb4, Redis, Node and yarn 1, wkhtmltopdf, chromium for the
# tests), create the bench's owner ($CL_BENCH_USER, default frappe: bench refuses to run as root) and
# the bench CLI (with uv), run `bench init` at $CL_BENCH_DIR from upstream (or from a local clone named
# by $CL_FRAPPE_PATH), then carry on as that user. Each step is skipped when it is done already, so
# running it again is quick and changes nothing. Under CI (CI=true) a missing bench is an error: CI
# machines do not reach GitHub. .ci/run installs through `setup`, so one place knows the packages.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_DIR="${CL_BENCH_DIR:-/home/frappe/frappe-bench}"
BENCH_USER="${CL_BENCH_USER:-frappe}"
FRAPPE_BRANCH="${CL_FRAPPE_BRANCH:-version-15}"
FRAPPE_PATH="${CL_FRAPPE_PATH:-}"
DB_ROOT_PASSWORD="${CL_DB_ROOT_PASSWORD:-root}"
DEMO_SITE="${CL_DEMO_SITE:-customer-lifecycle.localhost}"
TEST_SITE="${CL_TEST_SITE:-test.customer-lifecycle.localhost}"
TEST_PORT="${CL_TEST_PORT:-8011}"
SHOTS_PORT="${CL_SHOTS_PORT:-8010}"
ARTIFACTS="${CL_ARTIFACTS:-$BENCH_DIR/logs/customer_lifecycle-tests}"
APP=customer_lifecycle
# the system packages, the one list (CI installs through this script too)
PACKAGES=(
	mariadb-server mariadb-client redis-server git curl rsync cron
	python3 python3-venv python3-dev build-essential pkg-config
	wkhtmltopdf xfonts-75dpi xfonts-base fonts-liberation chromium
)
MARIADB_CONF=/etc/mysql/mariadb.conf.d/99-customer-lifecycle.cnf
# the main MariaDB is the primary of a read replica on $REPLICA_PORT (README: "Reads from a replica")
REPLICATION_CONF=/etc/mysql/mariadb.conf.d/99-customer-lifecycle-replication.cnf
REPLICA_PORT="${CL_REPLICA_PORT:-3307}"
REPLICA_DIR="${CL_REPLICA_DIR:-/var/tmp/customer-lifecycle-replica}"

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

step() {
	# run one named step and print how long it took
	local name="$1"
	shift
	local started=$SECONDS
	say "$name"
	"$@"
	printf '   (%ss)\n' "$((SECONDS - started))"
}

# --- as root: the machine -----------------------------------------------------------------------

install_packages() {
	local missing=()
	for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "   installing: ${missing[*]}"
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
	else
		echo "   all there"
	fi
}

install_node() {
	# Frappe v15 builds its assets with Node 18 or later and yarn 1.x
	local major=0
	command -v node >/dev/null && major="$(node -p 'process.versions.node.split(".")[0]')"
	if [ "$major" -lt 18 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm
		major="$(node -p 'process.versions.node.split(".")[0]')"
		[ "$major" -ge 18 ] || die "Node $major is too old for Frappe v15: install Node 18 or later (e.g. from NodeSource) and run again"
	fi
	if ! command -v yarn >/dev/null || [ "$(yarn --version | cut -d. -f1)" != 1 ]; then
		npm install -g yarn@1 >/dev/null
	fi
	echo "   node $(node --version), yarn $(yarn --version)"
}

configure_mariadb() {
	# Frappe needs utf8mb4 as MariaDB's server character set
	if ! grep -rqs "character-set-server *= *utf8mb4" /etc/mysql/; then
		cat >"$MARIADB_CONF" <<'CNF'
[mysqld]
character-set-client-handshake = FALSE
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci

[mysql]
default-character-set = utf8mb4
CNF
		echo "   utf8mb4 set ($MARIADB_CONF)"
	fi
	# binlog and GTID, written before MariaDB starts: the read replica replicates from them
	if ! grep -rqs "^log_bin" /etc/mysql/; then
		"$HERE/.ci/mariadb-replica.sh" primary-conf "$REPLICATION_CONF"
	fi
}

start_replica() {
	# a second MariaDB on $REPLICA_PORT, a real replica of the main one (the test site reads from it)
	CL_PRIMARY_PORT=3306 CL_REPLICA_PORT="$REPLICA_PORT" CL_REPLICA_DIR="$REPLICA_DIR" \
		CL_DB_ROOT_PASSWORD="$DB_ROOT_PASSWORD" "$HERE/.ci/mariadb-replica.sh" replica
}

start_services() {
	# MariaDB and Redis, started by hand: these machines have no systemd
	if ! mysqladmin ping --silent 2>/dev/null && ! mysqladmin -uroot -p"$DB_ROOT_PASSWORD" ping --silent 2>/dev/null; then
		[ "$(id -u)" = 0 ] || die "MariaDB is not running (start it as root: mysqld_safe &)"
		(mysqld_safe >/tmp/mysqld_safe.log 2>&1 &)
		for _ in $(seq 60); do mysqladmin -uroot -p"$DB_ROOT_PASSWORD" ping --silent 2>/dev/null && break; mysqladmin ping --silent 2>/dev/null && break; sleep 1; done
		echo "   MariaDB started"
	fi
	if ! redis-cli ping >/dev/null 2>&1; then
		redis-server --daemonize yes --port 6379 --dir /tmp >/dev/null
		for _ in $(seq 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
		echo "   Redis started"
	fi
	# bench new-site connects as root with a password
	if mysql -uroot -e "select 1" >/dev/null 2>&1; then
		mysql -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$DB_ROOT_PASSWORD'); FLUSH PRIVILEGES;"
	fi
	mysql -uroot -p"$DB_ROOT_PASSWORD" -e "select 1" >/dev/null 2>&1 || die "cannot log in to MariaDB as root with \$CL_DB_ROOT_PASSWORD"
	[ "$(mysql -uroot -p"$DB_ROOT_PASSWORD" -N -e 'select @@character_set_server')" = utf8mb4 ] \
		|| die "MariaDB's server character set must be utf8mb4 (character-set-server = utf8mb4 in its config; restart MariaDB)"
}

create_bench_user() {
	if ! id "$BENCH_USER" >/dev/null 2>&1; then
		useradd -m -s /bin/bash "$BENCH_USER"
		echo "   user $BENCH_USER created"
	fi
	chmod 755 "$(getent passwd "$BENCH_USER" | cut -d: -f6)"
}

install_bench_cli() {
	# the bench CLI in a venv of its own, made with uv; setuptools<80 keeps pkg_resources for Frappe v15
	local home env
	home="$(getent passwd "$BENCH_USER" | cut -d: -f6)"
	env="$home/bench-env"
	if [ -x "$env/bin/bench" ] && "$env/bin/python" -c "import pkg_resources" 2>/dev/null; then
		echo "   $("$env/bin/bench" --version 2>/dev/null | tail -1) in $env"
		return
	fi
	local python=/usr/bin/python3.11
	[ -x "$python" ] || python=/usr/bin/python3
	runuser -u "$BENCH_USER" -- "$python" -m venv "$home/.uv-env"
	runuser -u "$BENCH_USER" -- "$home/.uv-env/bin/pip" install -q uv
	runuser -u "$BENCH_USER" -- "$home/.uv-env/bin/uv" venv -q --python "$python" "$env"
	runuser -u "$BENCH_USER" -- "$home/.uv-env/bin/uv" pip install -q --python "$env/bin/python" frappe-bench uv "setuptools<80"
	echo "   bench CLI in $env"
}

machine() {
	[ "$(id -u)" = 0 ] || return 0
	step "system packages" install_packages
	step "Node and yarn" install_node
	step "MariaDB character set and binlog" configure_mariadb
	step "MariaDB and Redis" start_services
	if [ "$1" = test ]; then step "MariaDB read replica on port $REPLICA_PORT" start_replica; fi
	step "bench user" create_bench_user
	step "bench CLI" install_bench_cli
}

as_bench_user() {
	# re-run this script as the bench's owner, keeping the CL_* settings
	if [ "$(id -u)" = 0 ]; then
		id "$BENCH_USER" >/dev/null 2>&1 || die "user $BENCH_USER does not exist (bench refuses to run as root)"
		# runuser keeps the environment (CL_*, CI) but for HOME, USER and PATH
		exec runuser -u "$BENCH_USER" -- env "PATH=$PATH" bash "$0" "$@"
	fi
}

# --- as the bench's owner: the bench, the app, the sites ------------------------------------------

bench_path() {
	# bench's CLI: the bench owner's tool venv first, then PATH
	for candidate in "$HOME/bench-env/bin" "$HOME/.local/bin"; do
		[ -x "$candidate/bench" ] && export PATH="$candidate:$PATH"
	done
	command -v bench >/dev/null || die "the bench CLI is not on PATH (./dev.sh setup as root installs it)"
}

ensure_bench() {
	if [ -d "$BENCH_DIR/apps/frappe" ] && [ -x "$BENCH_DIR/env/bin/python" ]; then
		echo "   Frappe $("$BENCH_DIR/env/bin/python" -c 'import frappe; print(frappe.__version__)' 2>/dev/null) at $BENCH_DIR"
		return
	fi
	if [ "${CI:-}" = true ] || [ -n "${CL_NO_BENCH_INIT:-}" ]; then
		die "no Frappe bench at $BENCH_DIR (expected apps/frappe and env/). Prepare one as README.md says, or point CL_BENCH_DIR at it."
	fi
	echo "   bench init (Frappe $FRAPPE_BRANCH${FRAPPE_PATH:+ from $FRAPPE_PATH})"
	bench init --frappe-branch "$FRAPPE_BRANCH" ${FRAPPE_PATH:+--frappe-path "$FRAPPE_PATH"} \
		--skip-redis-config-generation --no-backups "$BENCH_DIR"
	for key in redis_cache redis_queue redis_socketio; do
		(cd "$BENCH_DIR" && bench set-config -g "$key" redis://127.0.0.1:6379)
	done
}

ensure_erpnext() {
	# the coexistence tests install ERPNext on sites of their own
	[ -d "$BENCH_DIR/apps/erpnext" ] && return
	if [ "${CI:-}" = true ] || [ -n "${CL_NO_BENCH_INIT:-}" ]; then
		die "ERPNext is not in the bench at $BENCH_DIR/apps/erpnext; the coexistence tests install it on new sites. Add it as README.md ('The bench on these machines') says."
	fi
	(cd "$BENCH_DIR" && bench get-app --skip-assets --branch version-15 erpnext)
}

install_app() {
	cd "$BENCH_DIR"
	if [ -L "apps/$APP" ] && [ "$(readlink -f "apps/$APP")" != "$(readlink -f "$HERE")" ]; then
		# a developer's link to another checkout: this checkout replaces it, never writes through it
		rm "apps/$APP"
	fi
	if [ "$(readlink -f "apps/$APP")" != "$(readlink -f "$HERE")" ]; then
		mkdir -p "apps/$APP"
		rsync -a --delete --exclude .git --exclude artifacts --exclude '__pycache__' --exclude '*.egg-info' \
			"$HERE/" "apps/$APP/"
	fi
	# setuptools 80+ has no pkg_resources, which Frappe v15 imports
	./env/bin/python -c "import pkg_resources" 2>/dev/null || ./env/bin/python -m pip install -q "setuptools<80"
	if ! ./env/bin/python -c "import $APP, faker, sys; sys.exit(0 if '$BENCH_DIR/apps/$APP' in $APP.__file__ else 1)" 2>/dev/null; then
		./env/bin/python -m pip install -q -e "apps/$APP[demo]"
	fi
	./env/bin/python -m pip install -q -r "apps/$APP/requirements.txt" -r "apps/$APP/tests/requirements.txt"
	# sites/apps.txt may lack its final newline
	if ! grep -qx "$APP" sites/apps.txt; then
		[ -n "$(tail -c1 sites/apps.txt)" ] && echo >> sites/apps.txt
		echo "$APP" >> sites/apps.txt
	fi
	bench build --app "$APP" >/dev/null
}

new_site() {
	local site="$1"
	cd "$BENCH_DIR"
	bench new-site "$site" --force --db-root-username root --db-root-password "$DB_ROOT_PASSWORD" \
		--admin-password admin --install-app "$APP" >/dev/null
	bench --site "$site" execute customer_lifecycle.utils.site_setup.complete_setup_wizard >/dev/null
}

cmd_setup() {
	: # the machine, the bench and the app are set up by main()
}

cmd_start() {
	local customers=1000
	[ "${1:-}" = "--customers" ] && customers="$2"
	cd "$BENCH_DIR"
	if [ ! -f "sites/$DEMO_SITE/site_config.json" ]; then
		step "site $DEMO_SITE" new_site "$DEMO_SITE"
		step "demo data ($customers customers)" bench --site "$DEMO_SITE" customer-lifecycle demo --customers "$customers" --seed 1
	else
		step "migrate $DEMO_SITE" bench --site "$DEMO_SITE" migrate >/dev/null
	fi
	bench use "$DEMO_SITE"
	say "Customer Lifecycle: http://localhost:8000/app/customers  (Administrator / admin)"
	say "Customer portal:    http://localhost:8000/portal  (portal@example.com / Portal-demo-1)"
	exec bench start
}

stop_server() {
	# bench starts the server and worker as child processes: stop them by what they run (this
	# bench's own worker only: another bench on the machine keeps its own)
	pkill -f -- "--site $SERVED_SITE serve --port $SERVED_PORT" 2>/dev/null || true
	pkill -f -- "$BENCH_DIR/env/bin/python.* frappe worker --queue short,default,long" 2>/dev/null || true
}

configure_test_site() {
	bench --site "$TEST_SITE" set-config allow_tests true >/dev/null
	# the suites make hundreds of portal logins within the hour Frappe's sign-up throttle counts
	bench --site "$TEST_SITE" set-config --parse throttle_user_limit 100000 >/dev/null
	# links in emails and PDFs point at the served test site
	bench --site "$TEST_SITE" set-config host_name "http://127.0.0.1:$TEST_PORT" >/dev/null
	bench --site "$TEST_SITE" scheduler disable >/dev/null
	# the replica the test site may read from (Frappe's read_only switch: reports, prepared reports, the
	# list, the 360 summary and the portal pages); tests/integration/test_replica.py turns
	# read_from_replica on for its own tests (the other suites read what they just wrote, and a
	# replica may lag), and fails, saying so, without a replica
	if mysqladmin -h127.0.0.1 -P"$REPLICA_PORT" -uroot -p"$DB_ROOT_PASSWORD" ping --silent 2>/dev/null; then
		bench --site "$TEST_SITE" set-config --parse read_from_replica 0 >/dev/null
		bench --site "$TEST_SITE" set-config replica_host 127.0.0.1 >/dev/null
		bench --site "$TEST_SITE" set-config --parse replica_db_port "$REPLICA_PORT" >/dev/null
	fi
	# the workflow tests include a Server Script (Frappe reads this from the bench's common config)
	bench set-config -g server_script_enabled 1 >/dev/null
}

serve_site() {
	# serve_site SITE PORT: a server and a worker until this script exits
	SERVED_SITE="$1" SERVED_PORT="$2"
	mkdir -p "$ARTIFACTS"
	stop_server
	trap stop_server EXIT
	bench --site "$SERVED_SITE" serve --port "$SERVED_PORT" --noreload >"$ARTIFACTS/server.log" 2>&1 &
	bench worker --queue short,default,long >"$ARTIFACTS/worker.log" 2>&1 &
	for _ in $(seq 60); do curl -sf "http://127.0.0.1:$SERVED_PORT/api/method/ping" >/dev/null && break; sleep 1; done
	curl -sf "http://127.0.0.1:$SERVED_PORT/api/method/ping" >/dev/null || die "$SERVED_SITE did not start (see $ARTIFACTS/server.log)"
}

cmd_test() {
	step "site $TEST_SITE" new_site "$TEST_SITE"
	cd "$BENCH_DIR"
	configure_test_site
	step "serving $TEST_SITE on port $TEST_PORT, with a worker" serve_site "$TEST_SITE" "$TEST_PORT"
	cd "$BENCH_DIR/apps/$APP"
	step "the import layers (pyproject.toml: tool.importlinter)" "$BENCH_DIR/env/bin/lint-imports"
	say "running the tests"
	# every suite, fastest first, unless the caller names tests
	[ $# -gt 0 ] || set -- tests/unit tests/integration tests/browser
	CL_BENCH_DIR="$BENCH_DIR" CL_SITE="$TEST_SITE" CL_DB_ROOT_PASSWORD="$DB_ROOT_PASSWORD" CL_BASE_URL="http://127.0.0.1:$TEST_PORT" CL_ARTIFACTS="$ARTIFACTS" \
		"$BENCH_DIR/env/bin/python" -m pytest -p no:cacheprovider "$@"
}

cmd_screenshots() {
	cd "$BENCH_DIR"
	[ -f "sites/$DEMO_SITE/site_config.json" ] || die "no demo site $DEMO_SITE: run ./dev.sh start first"
	step "serving $DEMO_SITE on port $SHOTS_PORT" serve_site "$DEMO_SITE" "$SHOTS_PORT"
	cd "$BENCH_DIR/apps/$APP"
	CL_BENCH_DIR="$BENCH_DIR" "$BENCH_DIR/env/bin/python" -m tests.browser.screenshots \
		--base-url "http://127.0.0.1:$SHOTS_PORT" --site "$DEMO_SITE" --out "$HERE/docs"
}

main() {
	local command="${1:-}"
	shift || true
	case "$command" in
		start | test | setup | screenshots) ;;
		*) die "usage: ./dev.sh start [--customers N] | ./dev.sh test [pytest args] | ./dev.sh setup | ./dev.sh screenshots" ;;
	esac
	machine "$command"
	as_bench_user "$command" "$@"
	start_services
	bench_path
	step "bench" ensure_bench
	case "$command" in test | setup) step "ERPNext in the bench" ensure_erpnext ;; esac
	step "installing this checkout into $BENCH_DIR/apps/$APP" install_app
	"cmd_$command" "$@"
}

main "$@"
