#!/usr/bin/env bash
# Checks that every site file in deploy/nginx/ passes `nginx -t`, as shipped
# except for the certificate paths, upstream host names and listen ports (see
# nginx_test_conf.py), with self-signed certificates made for the check.
# (`nginx -t` binds its listen sockets, hence free loopback ports.)
# Each file is checked as it is, and with the brug-static.conf alternative.
# Runs as any user; touches nothing outside a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v nginx >/dev/null || { echo "check-nginx-configs: nginx is not installed" >&2; exit 1; }
NGINX=$(command -v nginx)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# nginx workers (nobody, when run as root) must be able to enter the prefix.
chmod 755 "$tmp"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" 2>/dev/null

# The sharded file names its servers brug-a, brug-b, brug-c (compose service
# names); they do not resolve here.
upstreams=(--upstream brug-a:8080=127.0.0.1:18081 --upstream brug-b:8080=127.0.0.1:18082
           --upstream brug-c:8080=127.0.0.1:18083)

fail=0
for site in deploy/nginx/brug.conf deploy/nginx/brug-sharded.conf; do
  for variant in proxied static; do
    dir="$tmp/$(basename "$site" .conf)-$variant"
    mkdir -p "$dir"
    extra=()
    [ "$variant" = static ] && extra=(--static)
    conf=$(python3 tests/deploy/nginx_test_conf.py --site "$site" --prefix "$dir" \
             --cert "$tmp/fullchain.pem" --key "$tmp/privkey.pem" --http-port 0 --https-port 0 \
             "${upstreams[@]}" "${extra[@]}")
    # -e: Debian's nginx would otherwise open its compiled-in error log first.
    # A warning fails the check too: it is usually a directive nginx ignores.
    if out=$("$NGINX" -t -p "$dir" -e "$dir/startup.log" -c "$conf" 2>&1) \
       && ! grep -q '\[warn\]' <<<"$out"; then
      echo "ok   nginx -t $site ($variant)"
    else
      echo "FAIL nginx -t $site ($variant)"
      echo "$out" | sed 's/^/     /'
      fail=1
    fi
  done
done
exit $fail
