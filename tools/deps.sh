#!/bin/sh
# Install the Debian packages rvos needs, if any is missing. Idempotent:
# when everything is present it prints nothing (with --quiet) and exits 0.
# Runs apt-get as root, or through sudo.
#
#   tools/deps.sh [--quiet]            what make, make qemu and make test need
#   tools/deps.sh --charts [--quiet]   only what the charts need (make memplot,
#                                      the chart of make bench): matplotlib
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

# The charts' one extra package, never part of make test. Debian's
# matplotlib is for Debian's python3, which the chart targets run (a
# python3 earlier in PATH, such as pyenv's, would not see it).
CHART_NEEDS="
python3-matplotlib:/usr/bin/python3 -c 'import matplotlib'
"

quiet=no
what_for="build and test tools"
for arg in "$@"; do
	case $arg in
	--quiet) quiet=yes ;;
	--charts) NEEDS=$CHART_NEEDS; what_for="chart tools" ;;
	*) echo "usage: tools/deps.sh [--charts] [--quiet]" >&2; exit 2 ;;
	esac
done

# One need per line: package:proof, the proof a path, a command, or a
# shell test with spaces in it.
missing=""
nl='
'
IFS=$nl
for pair in $NEEDS; do
	pkg=${pair%%:*}
	what=${pair#*:}
	case $what in
	*" "*) sh -c "$what" >/dev/null 2>&1 && continue ;;
	/*) [ -e "$what" ] && continue ;;
	*) command -v "$what" >/dev/null 2>&1 && continue ;;
	esac
	missing="$missing $pkg"
done
unset IFS

if [ -z "$missing" ]; then
	[ $quiet = yes ] || echo "deps: all $what_for are installed"
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
