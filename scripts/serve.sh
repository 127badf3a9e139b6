#!/usr/bin/env bash
# Runs the platform as in production on this machine: DEBUG off, gunicorn (deploy/gunicorn.conf.py),
# static files collected under hashed names and compressed (WhiteNoise), the e-mail worker, Redis
# for the cache when it answers. A deployment puts a TLS-terminating proxy in front (docs/deploy.md).
#
# Every setting comes from the environment (README, "Settings"); the ones a deployment must give
# have local stand-ins here so that the command runs as it is:
#   DJANGO_SECRET_KEY     made once and kept in var/secret-key (readable by its owner only)
#   DJANGO_ALLOWED_HOSTS  127.0.0.1,localhost
#   DEFAULT_FROM_EMAIL    platform@localhost.test
#   DJANGO_SECURE_SSL_REDIRECT  false: plain HTTP on 127.0.0.1 (the proxy redirects in a deployment)
#   SMTP_HOST, SMTP_PORT  a local SMTP server (aiosmtpd) that prints what it receives
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=.venv/bin/python

mkdir -p var
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  if [ ! -s var/secret-key ]; then
    (umask 077; "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(64))' > var/secret-key)
  fi
  DJANGO_SECRET_KEY=$(cat var/secret-key)
fi
export DJANGO_SECRET_KEY
export DJANGO_DEBUG=false
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
export DEFAULT_FROM_EMAIL="${DEFAULT_FROM_EMAIL:-SPH platform <platform@localhost.test>}"
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-false}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT:-8000}}"
export BIND="${BIND:-127.0.0.1:${PORT:-8000}}"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
if [ -z "${SMTP_HOST:-}" ]; then
  export SMTP_HOST=127.0.0.1 SMTP_PORT="${SMTP_PORT:-8025}"
  .venv/bin/python -m aiosmtpd -n -l "$SMTP_HOST:$SMTP_PORT" -c aiosmtpd.handlers.Debugging & pids+=($!)
fi

"$PYTHON" manage.py migrate --no-input -v 0
"$PYTHON" manage.py createcachetable
"$PYTHON" manage.py compilemessages --ignore=.venv -v 0
"$PYTHON" manage.py collectstatic --no-input -v 0
"$PYTHON" manage.py check --deploy --fail-level WARNING

"$PYTHON" manage.py db_worker & pids+=($!)
echo "Serving as in production on http://$BIND/ (gunicorn, DEBUG off)"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py habitat.wsgi
