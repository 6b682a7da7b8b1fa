#!/bin/sh
# Install the Debian packages rvos needs, if any is missing. Idempotent:
# when everything is present it prints nothing (with --quiet) and exits 0.
# Runs apt-get as root, or through sudo.
set -eu

OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

# package:file-or-command that proves it is installed
NEEDS="
gcc-riscv64-unknown-elf:riscv64-unknown-elf-gcc
binutils-riscv64-unknown-elf:riscv64-unknown-elf-objdump
qemu-system-misc:qemu-system-riscv64
opensbi:$OPENSBI
gdb-multiarch:gdb-multiarch
python3:python3
gcc:gcc
make:make
clang:clang
libclang-rt-14-dev:/usr/lib/clang/14/lib/linux/libclang_rt.fuzzer-$(uname -m).a
"

quiet=no
[ "${1:-}" = "--quiet" ] && quiet=yes

missing=""
for pair in $NEEDS; do
	pkg=${pair%%:*}
	what=${pair#*:}
	case $what in
	/*) [ -e "$what" ] && continue ;;
	*) command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	missing="$missing $pkg"
done

if [ -z "$missing" ]; then
	[ $quiet = yes ] || echo "deps: all build and test tools are installed"
	exit 0
fi

echo "deps: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
echo "deps: installed:$missing"
