#!/usr/bin/env bash
# pg-cluster.sh start|stop DIR — a throw-away PostgreSQL 15 cluster from the
# machine's own packages (/usr/lib/postgresql/15/bin), on a free loopback
# port, trust auth, data in DIR. As root it runs the server as the postgres
# user. `start` prints the connection URL on stdout.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?data dir}
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
start)
	[ -x "$bin/initdb" ] || { echo "pg-cluster: no PostgreSQL binaries in $bin" >&2; exit 1; }
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c shared_buffers=256MB" start >/dev/null
	echo "$port" >"$dir/port"
	echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	;;
stop)
	[ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
