#!/usr/bin/env bash
# `make validate`: everything CI checks about the deployment artifacts, offline, no cluster.
#   1. kustomize renders every overlay and deploy/namespace (the jest step renders the optional
#      components ingress-nginx and ollama-autoscaling on top of prod and prod-gpu)
#   2. promtool: rules, rule unit tests, the plain Prometheus config
#   3. jest project `deploy`: strict schema validation (unknown fields rejected), CRD schemas
#      (prometheus-operator, Gateway API, KEDA), policy checks, ConfigMap vs the config library,
#      skaffold and what its teardown deletes, Ollama hooks, Redis restart, dashboard/alerts vs live /metrics
#   4. tsc, eslint and prettier on deploy/
#   5. the image: podman build from the Dockerfile and run checks (deploy/scripts/image-test.sh)
# Installs what it needs (tools/system-packages.txt) when missing; fails loudly when something cannot run.
# SKIP_IMAGE=1 leaves out step 5 (for a quick local loop only; CI never sets it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
declare -a TIMINGS=()

step() {
  local name="$1"
  shift
  printf '\n==> %s\n' "$name"
  local start
  start=$(date +%s)
  "$@"
  TIMINGS+=("$(printf '%-34s %4ss' "$name" $(($(date +%s) - start)))")
}

ensure_tools() {
  # The one list of system programs (tools/system-packages.txt): installs what is missing when
  # it can (root on Debian/Ubuntu), or stops with the commands to run.
  bash tools/test-prerequisites.sh validate
  kubectl version --client | head -2
  promtool --version 2>&1 | head -1
}

render_all() {
  local out="$ROOT/deploy/.tmp/rendered"
  mkdir -p "$out"
  for dir in deploy/namespace deploy/base deploy/overlays/dev deploy/overlays/prod deploy/overlays/prod-gpu; do
    kubectl kustomize "$dir" >"$out/$(basename "$dir").yaml"
    printf '  %-28s %3s objects\n' "$dir" "$(grep -c '^kind:' "$out/$(basename "$dir").yaml")"
  done
}

promtool_checks() {
  promtool check rules deploy/monitoring/alerts.rules.yml
  promtool test rules deploy/monitoring/alerts.test.yml
  promtool check config deploy/monitoring/prometheus.yml
}

lint() {
  npx tsc -p deploy/tsconfig.json
  npx eslint deploy/ jest.config.ts
  npx prettier --check deploy/
}

step "tools" ensure_tools
step "kustomize render (all overlays)" render_all
step "promtool rules/tests/config" promtool_checks
step "npm run build (for live /metrics)" npm run build --silent
step "jest --selectProjects deploy" npx jest --selectProjects deploy
step "tsc + eslint + prettier (deploy/)" lint
if [[ "${SKIP_IMAGE:-0}" == 1 && "${CI:-}" != true ]]; then
  echo "SKIP_IMAGE=1: image build and run checks left out (never in CI)"
else
  step "image build + run checks (podman)" "$ROOT/deploy/scripts/image-test.sh"
fi

printf '\nvalidate: all checks passed\n'
printf '  %s\n' "${TIMINGS[@]}"
