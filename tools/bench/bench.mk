# `make bench`: the benchmarks of docs/perf.md. Included by the top
# Makefile (run from the repository root); never part of `make test`.
#
# tools/bench/bench.py boots the test kernel (the benchmarks are test
# code, kernel/test/) with the bootarg bench=MODE, which makes the init
# thread run kernel/test/kbench.c and then user/test/bench.c instead of
# the shell:
#   icount  QEMU -icount shift=0: every figure in instructions
#   wall    no icount, BENCH_WALL_RUNS boots: the median in real nanoseconds
#   noacct  the heap and page figures of a second kernel built with
#           -DMM_NO_ACCOUNTING (no tag, call-site or owner tracking) in
#           $(BENCH_NOACCT_B), so the tracking's overhead can be stated;
#           this is the only build that sets the switch
# Both bench kernels are the test kernel without the lock-order checker
# and lock statistics (LOCK_CHECK_FLAGS empty, in their own build
# folders): their spinlock is the shipping kernel's, so are the figures.
#   smp     QEMU -smp 4 (the others run at -smp 1): heap and page pairs
#           on 1, 2 and 4 harts at once, a channel round trip across harts
# It prints every "@BENCH name=value unit" line, the overheads it derives,
# and writes them all to build/bench.txt (logs in build/bench/).
# tools/bench/benchplot.py then charts the figures that peers have
# (tools/bench/peers.tsv) into build/bench.svg and .png, with Debian's
# matplotlib (tools/deps.sh --charts); without it, it says the chart was
# skipped, and bench still succeeds.

BENCH_ACCT_B    := $(B)/bench-acct
BENCH_NOACCT_B  := $(B)/bench-noacct
BENCH_WALL_RUNS ?= 3

# Extra kernel compiler flags; the noacct kernel's sub-make sets them.
BENCH_KFLAGS ?=
CFLAGS += $(BENCH_KFLAGS)

.PHONY: bench bench-acct-kernel bench-noacct-kernel

bench: bench-acct-kernel bench-noacct-kernel tools/bench/bench.py tools/bench/benchplot.py
	$(PYTHON) tools/bench/bench.py --qemu "$(QEMU_BASE) -kernel $(BENCH_ACCT_B)/kernel-test.elf" \
		--noacct-kernel $(BENCH_NOACCT_B)/kernel-test.elf \
		--wall-runs $(BENCH_WALL_RUNS) --logdir $(B)/bench --out $(B)/bench.txt
	@tools/deps.sh --charts --quiet || echo "bench: could not install the chart tools"
	@$(CHART_PYTHON) tools/bench/benchplot.py --out $(B)/bench $(B)/bench.txt || \
		echo "bench: chart skipped (above)"

# The same sources with no lock checking, with and without the tracking
# (each in its own build folder, user programs and all).
bench-acct-kernel: deps
	$(Q)$(MAKE) --no-print-directory B=$(BENCH_ACCT_B) LOCK_CHECK_FLAGS= \
		$(BENCH_ACCT_B)/kernel-test.elf

bench-noacct-kernel: deps
	$(Q)$(MAKE) --no-print-directory B=$(BENCH_NOACCT_B) LOCK_CHECK_FLAGS= \
		BENCH_KFLAGS=-DMM_NO_ACCOUNTING $(BENCH_NOACCT_B)/kernel-test.elf
