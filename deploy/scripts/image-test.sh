#!/usr/bin/env bash
# Builds the gateway image from the Dockerfile with podman and checks it the way Kubernetes
# runs it (read-only root filesystem, no capabilities, no privilege escalation, tmpfs /tmp):
# non-root user, tini as PID 1, production dependencies only, /health served, HEALTHCHECK
# passing without curl, and a prompt, clean exit on SIGTERM.
# Runs in CI: any step that cannot run fails the script; nothing is skipped.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IMAGE="${IMAGE:-localhost/llm-gateway:ci}"
NAME="llm-gateway-image-test-$$"
RUN=(podman --runtime runc)

log() { printf '[image-test] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; "${RUN[@]}" logs "$NAME" 2>&1 | tail -40 >&2 || true; exit 1; }

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
http_status() { node -e 'fetch(process.argv[1]).then(r=>console.log(r.status),()=>console.log(0))' "$1"; }

"$ROOT/deploy/scripts/build-base-image.sh"

log "podman build $IMAGE"
start=$(date +%s)
# Host network: the build's npm ci and apt-get reach their registries like the host does;
# build_ca hands npm the host's CA bundle in case a TLS-intercepting proxy sits in between.
CA_BUNDLE="${BUILD_CA_FILE:-${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}}"
[[ -r "$CA_BUNDLE" ]] || fail "no CA bundle at $CA_BUNDLE (set BUILD_CA_FILE)"
podman build --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  --network=host --format docker --pull=never --secret "id=build_ca,src=$CA_BUNDLE" \
  -t "$IMAGE" -f "$ROOT/Dockerfile" "$ROOT" >/tmp/image-test-build.log 2>&1 ||
  { tail -60 /tmp/image-test-build.log >&2; fail "podman build failed"; }
log "built in $(($(date +%s) - start))s, $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"

[[ "$(podman image inspect "$IMAGE" --format '{{.Config.User}}')" == "1000:1000" ]] || fail "image USER is not 1000:1000"

log "production dependencies only"
# (podman's stderr: without systemd it logs that it cannot schedule HEALTHCHECK timers; harmless.)
quiet_systemd() { grep -v 'systemd connection' >&2 || true; }
"${RUN[@]}" run --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --entrypoint /bin/sh "$IMAGE" -c \
  'for d in node-llama-cpp @node-llama-cpp typescript jest @nestjs/cli ts-jest; do
     if [ -e "node_modules/$d" ]; then echo "unexpected node_modules/$d" >&2; exit 1; fi
   done; [ -d node_modules/@nestjs/core ]' 2> >(quiet_systemd) || fail "the image holds dev or optional dependencies"

PORT="$(free_port)"
CLOSED="$(free_port)"
cleanup() { "${RUN[@]}" rm -f -t 0 "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT

log "run on 127.0.0.1:$PORT, hardened as in the Deployment"
"${RUN[@]}" run -d --name "$NAME" \
  --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  --network host --read-only --tmpfs /tmp:rw,size=64m \
  --cap-drop ALL --security-opt no-new-privileges \
  -v "$ROOT/deploy/overlays/dev/api-keys.dev.json:/etc/llm-gateway/keys/api-keys.json:ro" \
  -e HOST=127.0.0.1 -e PORT="$PORT" -e LOG_LEVEL=warn \
  -e INFERENCE_BACKEND=ollama -e OLLAMA_HOST="http://127.0.0.1:$CLOSED" \
  -e AUTH_MODE=keys -e API_KEYS_FILE=/etc/llm-gateway/keys/api-keys.json \
  -e DRAIN_TIMEOUT_MS=5000 \
  "$IMAGE" >/dev/null 2> >(quiet_systemd) || fail "podman run failed"

for _ in $(seq 1 60); do
  [[ "$(http_status "http://127.0.0.1:$PORT/health")" == 200 ]] && break
  [[ "$("${RUN[@]}" inspect "$NAME" --format '{{.State.Running}}')" == true ]] || fail "the container exited"
  sleep 0.5
done
[[ "$(http_status "http://127.0.0.1:$PORT/health")" == 200 ]] || fail "/health did not answer 200 within 30s"
log "/health 200; /ready $(http_status "http://127.0.0.1:$PORT/ready") (Ollama is absent here)"

uid="$("${RUN[@]}" exec "$NAME" node -e 'process.stdout.write(String(process.getuid()))')"
[[ "$uid" == 1000 ]] || fail "node runs as uid $uid, not 1000"
pid1="$("${RUN[@]}" exec "$NAME" cat /proc/1/cmdline | tr '\0' ' ')"
[[ "$pid1" == "/usr/bin/tini -- node "* ]] || fail "PID 1 is '$pid1', not tini"
log "runs as uid 1000 under tini ($pid1)"

podman healthcheck run "$NAME" >/dev/null || fail "HEALTHCHECK failed"
log "HEALTHCHECK passes (node fetch, no curl)"

log "SIGTERM"
start_ms=$(date +%s%3N)
"${RUN[@]}" kill --signal TERM "$NAME" >/dev/null
code="$(timeout 20 "${RUN[@]}" wait "$NAME")" || fail "still running 20s after SIGTERM"
elapsed=$(($(date +%s%3N) - start_ms))
# The gateway drains, then exits 0 on SIGTERM (a re-raised signal would show as 143 through tini).
[[ "$code" == 0 ]] || fail "exit code $code after SIGTERM"
((elapsed < 10000)) || fail "took ${elapsed}ms to exit after SIGTERM"
log "exited with $code ${elapsed}ms after SIGTERM"
log "PASS"
