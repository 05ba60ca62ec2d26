#!/usr/bin/env bash
# Build and install TimescaleDB (Apache edition) for the local PostgreSQL.
#
# Debian 12 has no timescaledb package; Debian 13 ships its source. We fetch that
# source package from the mirror this machine already uses (never a hard-coded host),
# build it against the local PostgreSQL headers and preload it. Idempotent: does nothing
# when the extension is already available and preloaded.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)}"
[ -n "$PG_MAJOR" ] || { echo "no PostgreSQL cluster under /etc/postgresql; install postgresql first" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
CONF_FILE="/etc/postgresql/$PG_MAJOR/main/conf.d/50-timescaledb.conf"

pg_running() { pg_lsclusters -h 2>/dev/null | awk -v v="$PG_MAJOR" '$1==v && $2=="main" {print $4}' | grep -q online; }
start_pg() { pg_running || $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start; }

if [ ! -f "/usr/share/postgresql/$PG_MAJOR/extension/timescaledb.control" ]; then
  echo "==> building TimescaleDB for PostgreSQL $PG_MAJOR"
  need=()
  for p in "postgresql-server-dev-$PG_MAJOR" cmake gcc make libssl-dev dpkg-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
  fi
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  if [ -z "$mirror" ]; then
    mirror="$(awk '$1=="deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
  fi
  [ -n "$mirror" ] || { echo "cannot find the Debian mirror in the apt sources" >&2; exit 1; }
  mkdir -p "$work/lists/partial"
  echo "deb-src [trusted=yes] $mirror trixie main" > "$work/trixie-src.list"
  apt_opts=(-o "Dir::Etc::sourcelist=$work/trixie-src.list" -o Dir::Etc::sourceparts=/dev/null
            -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" -qq update
  (cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only timescaledb)
  (cd "$work" && dpkg-source -x --no-check timescaledb_*.dsc src >/dev/null)
  (cd "$work/src" && ./bootstrap -DAPACHE_ONLY=1 -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF \
      -DWARNINGS_AS_ERRORS=OFF -DLINTER=OFF -DPG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" >/dev/null)
  $SUDO make -C "$work/src/build" -j"$(nproc)" install >/dev/null
fi

if ! grep -qs "timescaledb" "$CONF_FILE"; then
  echo "==> preloading timescaledb ($CONF_FILE)"
  echo "shared_preload_libraries = 'timescaledb'" | $SUDO tee "$CONF_FILE" >/dev/null
  echo "timescaledb.telemetry_level = off" | $SUDO tee -a "$CONF_FILE" >/dev/null
  if pg_running; then $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main restart; fi
fi
start_pg
echo "==> TimescaleDB ready for PostgreSQL $PG_MAJOR"
