#!/bin/sh
# Installs the Debian packages rnnts's tests need. Runs apt-get as root, or through sudo.
set -e
PKGS="make gcc g++ clang libcriterion-dev libxxhash-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static python3-torch python3-numpy python3-scipy libopenblas0-pthread binutils libbenchmark-dev pkgconf cmake libclang-rt-14-dev valgrind gcc-s390x-linux-gnu libc6-dev-s390x-cross gcc-riscv64-linux-gnu libc6-dev-riscv64-cross gcc-mingw-w64-x86-64 wine64 slurm-wlm munge xxhash"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -z "$missing" ]; then echo "deps: all packages present"; exit 0; fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "deps: missing:$missing — run as root or install sudo" >&2; exit 1; fi
echo "deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
