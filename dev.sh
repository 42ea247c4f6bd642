#!/usr/bin/env bash
# customer_lifecycle developer commands.
#
#   ./dev.sh start [--customers N]   demo site with Faker data, served on http://localhost:8000
#   ./dev.sh test [pytest args]      fresh test site, then every test suite (unit, integration, browser)
#
# Both use the bench at $CL_BENCH_DIR (default /home/frappe/frappe-bench), run as $CL_BENCH_USER
# (default frappe; bench refuses to run as root). When there is no bench there, `start` and `test`
# create one with bench's normal upstream source, or from a local Frappe clone named by
# $CL_FRAPPE_PATH; under CI they fail instead, saying what is missing.
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
ARTIFACTS="${CL_ARTIFACTS:-$BENCH_DIR/logs/customer_lifecycle-tests}"
APP=customer_lifecycle

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

start_services() {
	# MariaDB and Redis, started by hand: these machines have no systemd
	if ! mysqladmin ping --silent 2>/dev/null && ! mysqladmin -uroot -p"$DB_ROOT_PASSWORD" ping --silent 2>/dev/null; then
		say "starting MariaDB"
		if [ "$(id -u)" = 0 ]; then (mysqld_safe >/tmp/mysqld_safe.log 2>&1 &); else die "MariaDB is not running (start it as root: mysqld_safe &)"; fi
		for _ in $(seq 60); do mysqladmin -uroot -p"$DB_ROOT_PASSWORD" ping --silent 2>/dev/null && break; mysqladmin ping --silent 2>/dev/null && break; sleep 1; done
	fi
	if ! redis-cli ping >/dev/null 2>&1; then
		say "starting Redis"
		redis-server --daemonize yes --port 6379 --dir /tmp >/dev/null
		for _ in $(seq 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
	fi
	# bench new-site connects as root with a password
	if mysql -uroot -e "select 1" >/dev/null 2>&1; then
		mysql -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('$DB_ROOT_PASSWORD'); FLUSH PRIVILEGES;"
	fi
	mysql -uroot -p"$DB_ROOT_PASSWORD" -e "select 1" >/dev/null 2>&1 || die "cannot log in to MariaDB as root with \$CL_DB_ROOT_PASSWORD"
	[ "$(mysql -uroot -p"$DB_ROOT_PASSWORD" -N -e 'select @@character_set_server')" = utf8mb4 ] \
		|| die "MariaDB's server character set must be utf8mb4 (character-set-server = utf8mb4 in its config)"
}

as_bench_user() {
	# re-run this script as the bench's owner, keeping the CL_* settings
	if [ "$(id -u)" = 0 ]; then
		id "$BENCH_USER" >/dev/null 2>&1 || die "user $BENCH_USER does not exist (bench refuses to run as root)"
		# runuser keeps the environment (CL_*, CI) but for HOME, USER and PATH
		exec runuser -u "$BENCH_USER" -- env "PATH=$PATH" bash "$0" "$@"
	fi
}

bench_path() {
	# bench's CLI: the bench owner's tool venv first, then PATH
	for candidate in "$HOME/bench-env/bin" "$HOME/.local/bin"; do
		[ -x "$candidate/bench" ] && export PATH="$candidate:$PATH"
	done
	command -v bench >/dev/null || die "the bench CLI is not on PATH (pip install frappe-bench)"
}

ensure_bench() {
	if [ -d "$BENCH_DIR/apps/frappe" ] && [ -x "$BENCH_DIR/env/bin/python" ]; then
		return
	fi
	if [ "${CI:-}" = true ] || [ -n "${CL_NO_BENCH_INIT:-}" ]; then
		die "no Frappe bench at $BENCH_DIR (expected apps/frappe and env/). Prepare one as README.md says, or point CL_BENCH_DIR at it."
	fi
	say "creating a bench at $BENCH_DIR (Frappe $FRAPPE_BRANCH${FRAPPE_PATH:+ from $FRAPPE_PATH})"
	bench init --frappe-branch "$FRAPPE_BRANCH" ${FRAPPE_PATH:+--frappe-path "$FRAPPE_PATH"} \
		--skip-redis-config-generation "$BENCH_DIR"
	for key in redis_cache redis_queue redis_socketio; do
		(cd "$BENCH_DIR" && bench set-config -g "$key" redis://127.0.0.1:6379)
	done
}

install_app() {
	say "installing this checkout into $BENCH_DIR/apps/$APP"
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
	say "creating site $site"
	cd "$BENCH_DIR"
	bench new-site "$site" --force --db-root-username root --db-root-password "$DB_ROOT_PASSWORD" \
		--admin-password admin --install-app "$APP" >/dev/null
	bench --site "$site" execute customer_lifecycle.utils.site_setup.complete_setup_wizard >/dev/null
}

cmd_start() {
	local customers=1000
	[ "${1:-}" = "--customers" ] && customers="$2"
	cd "$BENCH_DIR"
	if [ ! -f "sites/$DEMO_SITE/site_config.json" ]; then
		new_site "$DEMO_SITE"
		bench --site "$DEMO_SITE" customer-lifecycle demo --customers "$customers" --seed 1
	else
		bench --site "$DEMO_SITE" migrate >/dev/null
	fi
	bench use "$DEMO_SITE"
	say "Customer Lifecycle: http://localhost:8000/app/customers  (Administrator / admin)"
	say "Customer portal:    http://localhost:8000/portal  (portal@example.com / Portal-demo-1)"
	exec bench start
}

stop_test_server() {
	# bench starts the server and worker as child processes: stop them by what they run (this
	# bench's own worker only: another bench on the machine keeps its own)
	pkill -f -- "--site $TEST_SITE serve --port $TEST_PORT" 2>/dev/null || true
	pkill -f -- "$BENCH_DIR/env/bin/python.* frappe worker --queue short,default,long" 2>/dev/null || true
}

cmd_test() {
	new_site "$TEST_SITE"
	cd "$BENCH_DIR"
	bench --site "$TEST_SITE" set-config allow_tests true >/dev/null
	# the suites make hundreds of portal logins within the hour Frappe's sign-up throttle counts
	bench --site "$TEST_SITE" set-config --parse throttle_user_limit 100000 >/dev/null
	# links in emails and PDFs point at the served test site
	bench --site "$TEST_SITE" set-config host_name "http://127.0.0.1:$TEST_PORT" >/dev/null
	bench --site "$TEST_SITE" scheduler disable >/dev/null
	# the workflow tests include a Server Script (Frappe reads this from the bench's common config)
	bench set-config -g server_script_enabled 1 >/dev/null
	mkdir -p "$ARTIFACTS"
	say "serving $TEST_SITE on port $TEST_PORT for HTTP and browser tests"
	stop_test_server
	trap stop_test_server EXIT
	bench --site "$TEST_SITE" serve --port "$TEST_PORT" --noreload >"$ARTIFACTS/server.log" 2>&1 &
	bench worker --queue short,default,long >"$ARTIFACTS/worker.log" 2>&1 &
	for _ in $(seq 60); do curl -sf "http://127.0.0.1:$TEST_PORT/api/method/ping" >/dev/null && break; sleep 1; done
	curl -sf "http://127.0.0.1:$TEST_PORT/api/method/ping" >/dev/null || die "the test server did not start (see $ARTIFACTS/server.log)"
	cd "$BENCH_DIR/apps/$APP"
	say "checking the import layers (pyproject.toml: tool.importlinter)"
	"$BENCH_DIR/env/bin/lint-imports"
	say "running the tests"
	# every suite, fastest first, unless the caller names tests
	[ $# -gt 0 ] || set -- tests/unit tests/integration tests/browser
	CL_BENCH_DIR="$BENCH_DIR" CL_SITE="$TEST_SITE" CL_DB_ROOT_PASSWORD="$DB_ROOT_PASSWORD" CL_BASE_URL="http://127.0.0.1:$TEST_PORT" CL_ARTIFACTS="$ARTIFACTS" \
		"$BENCH_DIR/env/bin/python" -m pytest -p no:cacheprovider "$@"
}

main() {
	local command="${1:-}"
	shift || true
	case "$command" in
		start | test) ;;
		*) die "usage: ./dev.sh start [--customers N] | ./dev.sh test [pytest args]" ;;
	esac
	[ "$(id -u)" = 0 ] && start_services
	as_bench_user "$command" "$@"
	start_services
	bench_path
	ensure_bench
	install_app
	"cmd_$command" "$@"
}

main "$@"
