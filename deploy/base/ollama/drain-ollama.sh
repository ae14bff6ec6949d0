#!/bin/bash
# preStop of the Ollama container. Ollama's own SIGTERM closes every connection at once, so before
# it comes: (1) wait DISCOVERY_WAIT_S while the terminating pod leaves the headless Service's DNS
# and every gateway re-resolves (OLLAMA_DISCOVERY_INTERVAL_MS) and stops sending new requests here;
# (2) wait until no client connection to Ollama's port is left (the streams still running here have
# ended and the gateways' idle keep-alive connections have closed), at most DRAIN_MAX_S.
# Connections are read from /proc/net/tcp{,6} of the pod's network namespace: no tools needed.
set -u

DISCOVERY_WAIT_S="${DISCOVERY_WAIT_S:-15}"
DRAIN_MAX_S="${DRAIN_MAX_S:-300}"
POLL_S="${POLL_S:-2}"
PORT="${OLLAMA_PORT:-11434}"
PORT_HEX="$(printf ':%04X' "$PORT")"

# Established TCP connections whose local end is Ollama's port.
open_connections() {
  local count=0 table _sl local_address _remote state _rest
  for table in /proc/net/tcp /proc/net/tcp6; do
    [[ -r "$table" ]] || continue
    while read -r _sl local_address _remote state _rest; do
      [[ "$state" == 01 && "$local_address" == *"$PORT_HEX" ]] && count=$((count + 1))
    done <"$table"
  done
  echo "$count"
}

# Milliseconds since the epoch (bash 5's EPOCHREALTIME; $SECONDS would round the deadline).
now_ms() {
  local now="${EPOCHREALTIME:-}"
  now="${now/[.,]/}"
  [[ "$now" =~ ^[0-9]+$ ]] && echo $((now / 1000)) || echo $((SECONDS * 1000))
}

sleep "$DISCOVERY_WAIT_S"
deadline=$(($(now_ms) + DRAIN_MAX_S * 1000))
idle_polls=0
# Two idle polls in a row: a kubelet probe's connection is short-lived, a stream is not.
while (($(now_ms) < deadline)); do
  if (($(open_connections) == 0)); then
    idle_polls=$((idle_polls + 1))
    ((idle_polls >= 2)) && exit 0
  else
    idle_polls=0
  fi
  sleep "$POLL_S"
done
exit 0
