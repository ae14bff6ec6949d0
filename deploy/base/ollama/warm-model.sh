#!/bin/bash
# postStart of the Ollama container: loads MODEL_NAME into memory before the pod can become ready,
# so the first request after a start or a scale-up finds the model warm. It sends Ollama's load
# request (POST /api/generate without a prompt) with keep_alive -1 and the runner options the
# gateway sends with every request (num_thread, num_ctx): a request with other options would make
# Ollama load the model again. The image has no curl, so the request goes through bash's /dev/tcp.
# Never fails the container: a failed warm-up only means the first request pays the load.
set -u

HOST="${WARM_HOST:-127.0.0.1}"
PORT="${WARM_PORT:-11434}"
TIMEOUT_S="${WARM_TIMEOUT_S:-900}"
LOG="${WARM_LOG:-/proc/1/fd/1}" # the container's own output, so `kubectl logs` shows these lines

log() { echo "warm-model: $*" >>"$LOG" 2>/dev/null || true; }

if [[ -z "${MODEL_NAME:-}" || "$MODEL_NAME" == *[\"\\]* ]]; then
  log "MODEL_NAME missing or not a model name; nothing to load"
  exit 0
fi

options=""
[[ "${NUM_THREAD:-}" =~ ^[0-9]+$ ]] && options="\"num_thread\":$NUM_THREAD"
if [[ "${OLLAMA_CONTEXT_LENGTH:-}" =~ ^[0-9]+$ ]]; then
  options="${options:+$options,}\"num_ctx\":$OLLAMA_CONTEXT_LENGTH"
fi
body="{\"model\":\"$MODEL_NAME\",\"keep_alive\":-1,\"stream\":false,\"options\":{$options}}"

deadline=$((SECONDS + TIMEOUT_S))
until exec 3<>"/dev/tcp/$HOST/$PORT"; do
  if ((SECONDS >= deadline)); then
    log "Ollama did not listen on $HOST:$PORT within ${TIMEOUT_S}s"
    exit 0
  fi
  sleep 1
done 2>/dev/null

log "loading $MODEL_NAME ($options)"
printf 'POST /api/generate HTTP/1.0\r\nHost: %s:%s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
  "$HOST" "$PORT" "${#body}" "$body" >&3
status=""
IFS=$' \r' read -r -t "$((deadline - SECONDS > 0 ? deadline - SECONDS : 1))" _ status _ <&3 || true
exec 3<&-
if [[ "$status" == 200 ]]; then
  log "$MODEL_NAME loaded"
else
  log "loading $MODEL_NAME failed (HTTP ${status:-no answer}); the first request will load it"
fi
exit 0
