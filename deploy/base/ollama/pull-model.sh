#!/bin/sh
# Init container of the Ollama StatefulSet: make sure MODEL_NAME is in the model store.
# Pulls only when that exact model is missing (an unrelated model on the volume does not count),
# and exits non-zero when the pull fails so the kubelet restarts the pod start with back-off.
set -eu

: "${MODEL_NAME:?MODEL_NAME must be set}"
START_TIMEOUT_S="${START_TIMEOUT_S:-60}"
LOG="${TMPDIR:-/tmp}/ollama-init-serve.log"

ollama serve >"$LOG" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true' EXIT INT TERM

waited=0
until ollama list >/dev/null 2>&1; do
  if ! kill -0 "$serve_pid" 2>/dev/null || [ "$waited" -ge "$START_TIMEOUT_S" ]; then
    echo "pull-model: ollama serve did not come up within ${START_TIMEOUT_S}s" >&2
    cat "$LOG" >&2 || true
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done

if ollama show "$MODEL_NAME" >/dev/null 2>&1; then
  echo "pull-model: $MODEL_NAME already present, nothing to pull"
  exit 0
fi

echo "pull-model: $MODEL_NAME missing, pulling"
if ! ollama pull "$MODEL_NAME"; then
  echo "pull-model: pulling $MODEL_NAME failed" >&2
  exit 1
fi
# A pull that "succeeds" without the model being usable must fail the start too.
ollama show "$MODEL_NAME" >/dev/null
echo "pull-model: $MODEL_NAME ready"
