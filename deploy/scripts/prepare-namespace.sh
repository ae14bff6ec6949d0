#!/usr/bin/env bash
# Creates what no teardown may delete, outside every overlay: the Namespace (deploy/namespace) and,
# with --with-redis-secret, the Secret llm-redis-auth holding a generated Redis password.
# Idempotent: the Namespace is applied, the Secret created only when missing (a password is never
# rotated under a running Redis). skaffold runs it before each deploy (deploy.kubectl.hooks), with
# SKAFFOLD_KUBE_CONTEXT set; `skaffold delete` never deletes what it creates.
# Usage: deploy/scripts/prepare-namespace.sh [--with-redis-secret]   (KUBE_CONTEXT=... to choose)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NAMESPACE=llm-serving
CONTEXT="${KUBE_CONTEXT:-${SKAFFOLD_KUBE_CONTEXT:-}}"

k() { kubectl ${CONTEXT:+--context "$CONTEXT"} "$@"; }

k apply -k "$ROOT/deploy/namespace"

if [[ "${1:-}" == --with-redis-secret ]]; then
  if k -n "$NAMESPACE" get secret llm-redis-auth >/dev/null 2>&1; then
    echo "prepare-namespace: secret llm-redis-auth exists, kept"
  else
    # 32 random bytes as hex: URL-safe, so it goes into REDIS_URL unescaped. Passed on stdin,
    # never on a command line.
    od -An -N32 -tx1 /dev/urandom | tr -d ' \n' |
      k -n "$NAMESPACE" create secret generic llm-redis-auth --from-file=password=/dev/stdin
  fi
fi
