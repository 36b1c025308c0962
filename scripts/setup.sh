#!/usr/bin/env bash
# Installs everything Aitta's tests need on a fresh Debian machine (run as
# root): the real S3 clients the interop tests drive, the load generators the
# benchmark's small-object phases use (wrk, ab from apache2-utils), and the npm
# packages (with better-sqlite3's native build). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v s3cmd >/dev/null || need_apt+=(s3cmd)
command -v curl >/dev/null || need_apt+=(curl)
command -v aws >/dev/null || need_apt+=(awscli)
python3 -c 'import boto3' 2>/dev/null || need_apt+=(python3-boto3)
# Debian's openstack client (its own /usr/bin/python3), for the identity API interop test.
command -v openstack >/dev/null || need_apt+=(python3-openstackclient)
command -v wrk >/dev/null || need_apt+=(wrk)
command -v ab >/dev/null || need_apt+=(apache2-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

npm ci --no-audit --no-fund
# npm may skip dependencies' install scripts: make sure the native module is built.
node -e "require('better-sqlite3')" 2>/dev/null || npm rebuild better-sqlite3
node -e "new (require('better-sqlite3'))(':memory:')"
