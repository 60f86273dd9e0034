# redis.sh: sourced by the .t scripts that run a real redis-server
# (export.t, recommend-redis.t).  redis_start SALT: install redis-server
# where that is harmless (as root, with a working apt), then start one on a
# free loopback port that saves nothing; sets port (empty when there is no
# server) and pid (the caller's cleanup stops it).
redis_start() {
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server ||
              { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }
            } >/dev/null 2>&1
        fi
    fi
    port=
    pid=
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || return 0
    # A free port: ours is the one where our own server answers.
    for try in 1 2 3 4 5 6 7 8 9 10; do
        p=$(( 20000 + ($$ * $1 + try * 7919) % 40000 ))
        redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
            >redis.log 2>&1 &
        pid=$!
        n=0
        while [ $n -lt 50 ]; do
            kill -0 "$pid" 2>/dev/null || break
            if redis-cli -p "$p" info server 2>/dev/null | grep -q "process_id:$pid"; then port=$p; break; fi
            sleep 0.1
            n=$((n + 1))
        done
        [ -n "$port" ] && break
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        pid=
    done
}
