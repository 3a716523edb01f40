#!/usr/bin/env bash
# Make this machine ready for `make test` (which calls it) and CI (`.ci/run`):
#   1. the Debian packages of .ci/apt-packages.txt: installed when run as root, otherwise the
#      exact `apt-get install` line to run is printed and the script fails;
#   2. PostgreSQL and Redis: started when they are local (127.0.0.1/localhost) and do not answer.
# Idempotent and quiet when everything is already there. DATABASE_URL / REDIS_URL name the servers.
# `--run` (from `make run`): only the packages marked "# run" in the list, and no services.
# `--bench` (from `make bench` and the `bench-*` targets): the whole list, the packages marked
# "# bench" included (wrk), and the services. The default (`make test`) leaves those out.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"
case "$mode" in test | --run | --bench) ;; *) echo "usage: $0 [--run | --bench]" >&2; exit 2 ;; esac

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
say() { echo "setup-machine: $*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }

# --- 1. Debian packages ---------------------------------------------------------------------------
packages() { grep -v '^\s*#' .ci/apt-packages.txt | grep -v '^\s*$'; }
if [ "$mode" = --run ]; then
  mapfile -t wanted < <(packages | grep -E '#\s*run\b' | awk '{print $1}')
elif [ "$mode" = --bench ]; then
  mapfile -t wanted < <(packages | awk '{print $1}')
else
  mapfile -t wanted < <(packages | grep -vE '#\s*bench\b' | awk '{print $1}')
fi
if [ -n "${SETUP_MACHINE_LIST:-}" ]; then  # the mode's packages, one a line (tests/test_repo.py)
  printf '%s\n' "${wanted[@]}"
  exit 0
fi
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
fresh_postgresql=false
if ((${#missing[@]})); then
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  if ! is_root; then
    say "missing Debian packages; run as root:"
    echo "  apt-get update && $line" >&2
    exit 1
  fi
  [[ " ${missing[*]} " == *" postgresql "* ]] && fresh_postgresql=true
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "$mode" = --run ] && exit 0

# --- 2. PostgreSQL and Redis -------------------------------------------------------------------------
host_of() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p.hostname or "127.0.0.1", p.port or sys.argv[2])' "$1" "$2"; }
is_local() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 ]]; }

read -r pg_host pg_port < <(host_of "$DATABASE_URL" 5432)
if ! pg_isready -h "$pg_host" -p "$pg_port" -q; then
  if ! is_local "$pg_host"; then
    say "PostgreSQL at $pg_host:$pg_port does not answer (not local: not starting it)"; exit 1
  fi
  if ! is_root; then
    say "PostgreSQL does not answer at $pg_host:$pg_port; as root run:"
    echo "  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql | sort -V | tail -1) main start" >&2
    exit 1
  fi
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  if $fresh_postgresql; then
    # A cluster this script just installed: let local TCP connections in without a password, as
    # DATABASE_URL's default (postgres@127.0.0.1, no password) expects.
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 30); do pg_isready -h "$pg_host" -p "$pg_port" -q && break; sleep 1; done
  pg_isready -h "$pg_host" -p "$pg_port" -q || { say "PostgreSQL did not start"; exit 1; }
fi

read -r redis_host redis_port < <(host_of "$REDIS_URL" 6379)
if ! redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1; then
  if ! is_local "$redis_host"; then
    say "Redis at $redis_host:$redis_port does not answer (not local: not starting it)"; exit 1
  fi
  say "starting Redis on port $redis_port"
  mkdir -p /tmp/portal-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir /tmp/portal-redis --logfile /tmp/portal-redis/redis.log
  for _ in $(seq 30); do redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 1; done
  redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1 || { say "Redis did not start"; exit 1; }
fi
