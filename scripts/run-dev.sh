#!/bin/sh
# The run command: installs what is missing, builds, and starts mediagated
# with a development config in _dev/ (the embedded default: no PBX needed).
# Prints the URLs to open and the first admin's credentials. Ctrl-C stops it.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
scripts/deps.sh build
scripts/build.sh

dev="$top/_dev"
mkdir -p "$dev"
conf="$dev/mediagate.conf"
if [ ! -f "$conf" ]; then
  cat > "$conf" <<CONF
# Development settings made by scripts/run-dev.sh; edit freely.
[server]
data-dir=$dev/data
log-dir=$dev/log
pipelines-dir=$top/pipelines
web-dir=$top/data/web
[client-listener]
address=0.0.0.0
port=${MG_CLIENT_PORT:-7443}
[admin-listener]
address=127.0.0.1
port=${MG_ADMIN_PORT:-7444}
[cti-listener]
address=0.0.0.0
port=${MG_CTI_PORT:-8090}
[client-logger]
address=0.0.0.0
port=${MG_CLIENTLOG_PORT:-9090}
CONF
fi

_build/src/daemon/mediagated --check-config --config "$conf"
log="$dev/mediagated.out"
_build/src/daemon/mediagated --config "$conf" > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM

i=0
until grep -q "ready:" "$log" 2>/dev/null; do
  if ! kill -0 $pid 2>/dev/null || [ $i -ge 100 ]; then
    cat "$log"; echo "mediagated did not start" >&2; exit 1
  fi
  i=$((i + 1)); sleep 0.1
done
cat "$log"

ports=$(grep -o 'client https port [0-9]*, admin https port [0-9]*' "$log" | tr -dc '0-9 ' )
client_port=$(echo $ports | cut -d' ' -f1)
admin_port=$(echo $ports | cut -d' ' -f2)
cti_port=$(grep -o 'cti wss port [0-9]*' "$log" | tr -dc '0-9')
host=$(hostname -f 2>/dev/null || hostname)

echo
echo "Mediagate is running (pid $pid). The certificate is self-signed: accept it in the browser."
echo "  health:        https://$host:$client_port/healthz"
echo "  admin API:     https://127.0.0.1:$admin_port/cms/api/v1/  (docs/admin-api.md)"
echo "  CTI (CSTA):    wss://$host:$cti_port/csta  (docs/cti.md; access token from a client credential)"
if [ -f "$dev/data/initial-admin-password" ]; then
  set -- $(cat "$dev/data/initial-admin-password")
  admin=$1; password=$2
  echo "  first admin:   $admin / $password   (one-time password from $dev/data/initial-admin-password)"
  echo "  try:           curl -k -u '$admin:$password' https://127.0.0.1:$admin_port/cms/api/v1/me"
  # two demo browser phones for the embedded default (kept in the store; 409 when they exist)
  curl -sk -o /dev/null -u "$admin:$password" -H 'Content-Type: application/json' \
    -d '{"from":"1000","to":"1001","display_name":"Demo agent","digest":{"username":"1000","password":"demo1000","increment":true}}' \
    "https://127.0.0.1:$admin_port/cms/api/v1/extensions" || true
  echo
  echo "Two demo phones (embedded default, no PBX): open https://$host:$client_port/webkit/ in two"
  echo "browser tabs, sign in as extension 1000 (password demo1000) and 1001 (password demo1001),"
  echo "then dial 1001 from the first tab."
fi
echo "Logs: $log. Ctrl-C stops."
tail -n 0 -f "$log" &
tailpid=$!
trap 'kill $pid $tailpid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM
wait $pid
kill $tailpid 2>/dev/null || true
