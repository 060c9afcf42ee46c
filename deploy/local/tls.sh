#!/usr/bin/env bash
# Makes throwaway mutual-TLS material with openssl: a CA, a silo certificate and a client certificate (PFX files
# with one generated password), and an env file with ORLEANSSYNC_TLS_CERT, ORLEANSSYNC_TLS_CERT_PASSWORD and
# ORLEANSSYNC_TLS_CA for clients: `set -a; . DIR/env; set +a`. Silos use DIR/silo.pfx with the same password and CA.
# usage: deploy/local/tls.sh [DIR]   (default deploy/local/.run/tls; existing material there is kept)
# For a local cluster and tests only: the CA's key stays beside what it signed.
set -euo pipefail

dir=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.run/tls"}
umask 077
# A folder made here is the owner's alone (umask); one that was already there keeps its mode: it may be shared, and
# the files written into it are the owner's alone anyway.
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# Kept while good for another day; the leaf certificates' PEM copies (no keys) tell when they expire.
fresh() { [ -s "$dir/$1.pem" ] && openssl x509 -checkend 86400 -noout -in "$dir/$1.pem" >/dev/null 2>&1; }
if fresh ca && fresh silo && fresh client && [ -s "$dir/silo.pfx" ] && [ -s "$dir/client.pfx" ] && [ -s "$dir/password" ]; then
  echo "[tls] reusing the certificates in $dir"
else
  if ! command -v openssl >/dev/null; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      echo "[tls] installing openssl"
      apt-get update -qq && apt-get install -y -qq openssl >/dev/null
    else
      echo "tls.sh: openssl is needed: apt-get install openssl" >&2
      exit 1
    fi
  fi
  rm -f "$dir"/{ca,silo,client}.{pem,key,pfx,csr,srl,ext} "$dir/password" "$dir/env"
  openssl rand -hex 24 >"$dir/password"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 30 \
    -subj "/CN=OrleansSync throwaway CA $(openssl rand -hex 4)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  issue() { # name, extendedKeyUsage
    openssl req -new "${ec[@]}" -keyout "$dir/$1.key" -out "$dir/$1.csr" -subj "/CN=orleanssync-$1" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n' "$2" >"$dir/$1.ext"
    openssl x509 -req -in "$dir/$1.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 30 \
      -extfile "$dir/$1.ext" -out "$dir/$1.pem" 2>/dev/null
    openssl pkcs12 -export -in "$dir/$1.pem" -inkey "$dir/$1.key" -name "orleanssync-$1" \
      -passout "file:$dir/password" -out "$dir/$1.pfx"
    rm -f "$dir/$1.key" "$dir/$1.csr" "$dir/$1.ext"
  }
  # A silo accepts connections (from peers and clients) and opens them (to peers); a client only opens them.
  issue silo serverAuth,clientAuth
  issue client clientAuth
  echo "[tls] made a throwaway CA, a silo and a client certificate in $dir"
fi

# Values in single quotes (a quote inside written as '\''), so a path with spaces or quotes sources as it is.
quoted() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
  printf 'ORLEANSSYNC_TLS_CERT=%s\n' "$(quoted "$dir/client.pfx")"
  printf 'ORLEANSSYNC_TLS_CERT_PASSWORD=%s\n' "$(quoted "$(cat "$dir/password")")"
  printf 'ORLEANSSYNC_TLS_CA=%s\n' "$(quoted "$dir/ca.pem")"
} >"$dir/env"
chmod 600 "$dir"/{ca.pem,ca.key,silo.pem,silo.pfx,client.pem,client.pfx,password,env}
