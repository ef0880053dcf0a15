#!/usr/bin/env bash
# Builds the Kubernetes control plane the Kubernetes backend's tests run against:
# kube-apiserver and kube-controller-manager from Debian's own source package
# (bookworm: kubernetes 1.20.5+really1.20.2), and installs etcd-server from Debian.
#
# The binaries are kept outside the repository, in $WOKEN_KUBE_CACHE (default
# /var/cache/woken-kube/<version>/bin), so a clean clone reuses them and `git clean` keeps
# them. Idempotent: when both binaries and etcd are present it only prints their folder.
#
# Usage: scripts/build-kube.sh        (prints the folder of the binaries on its last line)
#
# What works with Debian's Go (recorded here as the brief asks): bookworm's golang-go is
# Go 1.19, which is the very toolchain Debian builds this package with, so no GOFLAGS,
# GO111MODULE or older golang-1.xx is needed. A plain `go build -mod=vendor ./cmd/...`
# fails (the generated files and the version ldflags come from the Makefile), so the build
# goes through `make WHAT=...` with the vendored modules (GOFLAGS=-mod=vendor, GOPROXY=off:
# nothing is fetched from the network during the build).
set -euo pipefail

KUBE_VERSION="${WOKEN_KUBE_VERSION:-v1.20.2}"
CACHE="${WOKEN_KUBE_CACHE:-/var/cache/woken-kube/${KUBE_VERSION}}"
BIN="${CACHE}/bin"
SRC="${CACHE}/src"

log() { printf '[build-kube %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# The tests also need openssl (their certificates) and unshare (the test kubelet's mount
# namespaces, util-linux).
have_all() {
    [ -x "${BIN}/kube-apiserver" ] && [ -x "${BIN}/kube-controller-manager" ] \
        && command -v etcd >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 \
        && command -v unshare >/dev/null 2>&1
}

if have_all; then
    echo "${BIN}"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
else
    SUDO=
fi

# apt may be held by another process for a while: retry rather than fail.
apt_retry() {
    local i
    for i in $(seq 1 30); do
        if $SUDO env DEBIAN_FRONTEND=noninteractive "$@"; then
            return 0
        fi
        log "apt busy or failing (attempt $i), retrying in 10 s"
        sleep 10
    done
    return 1
}

# A deb-src entry mirroring the existing Debian main entry (deb822 or one-line format).
ensure_deb_src() {
    if grep -RqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        return 0
    fi
    local deb822
    deb822=$(grep -lsE '^URIs:.*debian' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true)
    if [ -n "${deb822}" ]; then
        log "adding deb-src mirroring ${deb822}"
        # The first stanza whose URIs name Debian's main archive (not -security), with
        # Types: deb-src.
        awk 'BEGIN { RS = ""; ORS = "\n\n" }
             /URIs:[^\n]*debian([^-]|$)/ && !done {
                 sub(/Types:[^\n]*/, "Types: deb-src"); print; done = 1 }' \
            "${deb822}" | $SUDO tee /etc/apt/sources.list.d/woken-deb-src.sources >/dev/null
    else
        local line
        line=$(grep -hsE '^deb [^ ]*debian[^ ]* ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
               | grep -v security | head -n1 || true)
        if [ -z "${line}" ]; then
            log "no Debian apt source found to mirror as deb-src"
            return 1
        fi
        log "adding deb-src mirroring: ${line}"
        echo "deb-src${line#deb}" | $SUDO tee /etc/apt/sources.list.d/woken-deb-src.list >/dev/null
    fi
}

ensure_deb_src
apt_retry apt-get update -qq
apt_retry apt-get install -y -qq --no-install-recommends \
    etcd-server golang-go dpkg-dev make gcc libc6-dev rsync ca-certificates openssl util-linux

if [ -x "${BIN}/kube-apiserver" ] && [ -x "${BIN}/kube-controller-manager" ]; then
    echo "${BIN}"
    exit 0
fi

mkdir -p "${SRC}" "${BIN}"
cd "${SRC}"
TREE=$(find . -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
if [ -z "${TREE}" ]; then
    log "apt-get source kubernetes into ${SRC}"
    # Root downloads unsandboxed (a warning only); the tree is unpacked with Debian's patches.
    apt_retry apt-get source -qq kubernetes
    TREE=$(find . -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)
fi
cd "${TREE}"
log "building kube-apiserver and kube-controller-manager in ${SRC}/${TREE#./} with $(go version)"

# The tree has no .git: the version comes from a version file instead.
cat > "${CACHE}/version.env" <<EOF
KUBE_GIT_VERSION='${KUBE_VERSION}'
KUBE_GIT_MAJOR='${KUBE_VERSION#v}'
KUBE_GIT_MINOR=''
KUBE_GIT_TREE_STATE='clean'
KUBE_GIT_COMMIT='debian'
EOF
sed -i -E "s/^KUBE_GIT_MAJOR='([0-9]+)\..*'/KUBE_GIT_MAJOR='\1'/" "${CACHE}/version.env"
minor=$(echo "${KUBE_VERSION#v}" | cut -d. -f2)
sed -i -E "s/^KUBE_GIT_MINOR=''/KUBE_GIT_MINOR='${minor}'/" "${CACHE}/version.env"

export KUBE_GIT_VERSION_FILE="${CACHE}/version.env"
export GOFLAGS=-mod=vendor GOPROXY=off GO111MODULE=on
export GOCACHE="${CACHE}/gocache" GOPATH="${CACHE}/gopath"
# Low priority: the machine is shared.
nice -n 10 make WHAT="cmd/kube-apiserver cmd/kube-controller-manager"

for b in kube-apiserver kube-controller-manager; do
    built=$(find _output -type f -name "$b" -perm -u+x | head -n1)
    install -m 0755 "${built}" "${BIN}/$b"
done
log "installed into ${BIN}: $("${BIN}/kube-apiserver" --version)"
echo "${BIN}"
