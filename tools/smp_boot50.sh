#!/bin/sh
# Boot the shipping kernel COUNT times in a row (default 50) on CPUS harts
# (default 8): each boot must reach the `rvos> ` prompt, answer `ps` and
# `mem`, and power off through `shutdown`, with no panic. Issue 11's
# bring-up check; not part of make test (docs/testing.md).
#
# Usage: tools/smp_boot50.sh [COUNT [CPUS]]     (after make kernel)
# Prints one line per failed boot, then "N/COUNT booted to the prompt,
# P panics"; exits 1 unless every boot passed. Logs: build/smp_boot/.
set -u
count=${1:-50}
cpus=${2:-8}
case "$count$cpus" in
*[!0-9]*|'') echo "usage: $0 [COUNT [CPUS]]" >&2; exit 2 ;;
esac
kernel=${KERNEL_ELF:-build/kernel.elf}
logs=build/smp_boot
[ -f "$kernel" ] || { echo "$0: no kernel at $kernel (make kernel)" >&2; exit 2; }
rm -rf "$logs" && mkdir -p "$logs" || exit 2

# the harness runs one boot; forbidding ^panic: is its default
scn=$logs/smp_boot.scn
cat > "$scn" <<'SCN'
timeout: 120
expect: ^rvos>\x20
send: ps\r
expect: ^ +PID +PPID
expect: ^rvos>\x20
send: mem\r
expect: ^physical: \d+ pages
expect: ^rvos>\x20
send: shutdown\r
exit: 0
SCN

booted=0 panics=0 failed=0
i=1
while [ "$i" -le "$count" ]; do
	out=$(python3 tools/testing/harness.py --jobs 1 --cpus "$cpus" --kernel "$kernel" \
		--logdir "$logs/run" --tail 0 "$scn")
	rc=$?
	log=$logs/boot-$i.log
	mv "$logs/run/smp_boot.smp$cpus.log" "$log"
	grep -q '^rvos> ' "$log" && booted=$((booted + 1))
	grep -q '^panic:' "$log" && panics=$((panics + 1))
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		echo "boot $i: $(echo "$out" | grep -m1 '^FAIL' | sed 's/^FAIL smp_boot \[smp[0-9]*\]: //') ($log)"
	fi
	i=$((i + 1))
done
echo "$booted/$count booted to the prompt, $panics panics"
[ "$failed" -eq 0 ]
