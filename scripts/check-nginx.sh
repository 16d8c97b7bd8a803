#!/usr/bin/env bash
# `nginx -t` on deploy/nginx/owp.conf for real: the file is included in a minimal main config
# (events {} and http {}), its TLS server block gets a throw-away self-signed certificate, and
# the upstream host names resolve to loopback, all in a temporary folder; nothing of the
# machine's own nginx setup is read or changed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { echo "check-nginx: nginx is missing (apt-get install -y nginx)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "check-nginx: openssl is missing" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/certs" "$dir/logs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=owp.test" \
  -keyout "$dir/certs/privkey.pem" -out "$dir/certs/fullchain.pem" 2>/dev/null
sed -e "s|/etc/nginx/certs/|$dir/certs/|g" \
  -e "s|server owp-a:|server 127.0.0.1:|; s|server owp-b:|server 127.0.0.2:|" \
  deploy/nginx/owp.conf >"$dir/owp.conf"
cat >"$dir/nginx.conf" <<CONF
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    include $dir/owp.conf;
}
CONF
nginx -t -q -p "$dir" -c "$dir/nginx.conf"
echo "check-nginx: deploy/nginx/owp.conf is valid ($(nginx -v 2>&1))"
