# rvos: build, run, debug and test. `make help` lists the targets.

# ---- user-tunable variables -------------------------------------------------
MEM      ?= 128M
CPUS     ?= 4
BOOTARGS ?=
GDBPORT  ?= 1234
JOBS     ?= 2
# the hart counts make test runs each QEMU scenario at
TEST_CPUS ?= 1,4
# which kernel make qemu, qemu-gdb and gdb use: empty for the shipping
# kernel, "test" for the test kernel (the in-kernel tests and benchmarks)
KERNEL   ?=

CROSS    ?= riscv64-unknown-elf-
CC       := $(CROSS)gcc
OBJDUMP  := $(CROSS)objdump
NM       := $(CROSS)nm
HOSTCC   ?= gcc
QEMU     ?= qemu-system-riscv64
GDB      ?= gdb-multiarch
PYTHON   ?= python3
# the charts' interpreter: Debian's, which python3-matplotlib is for
CHART_PYTHON ?= /usr/bin/python3
OPENSBI  ?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin

B        ?= build

# `make V=1` shows whole commands
ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- flags ------------------------------------------------------------------
ARCHFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
CFLAGS    := $(ARCHFLAGS) -ffreestanding -nostdlib -fno-builtin \
             -fno-omit-frame-pointer -fno-tree-loop-distribute-patterns \
             -fno-stack-protector -fno-pie -no-pie \
             -g -O2 -std=gnu11 -Wall -Wextra -Werror -Iinclude -MMD -MP
LDFLAGS   := $(ARCHFLAGS) -nostdlib -static -Wl,--no-relax -T linker.ld

# ---- kernel sources -----------------------------------------------------------
# The shipping kernel is everything under kernel/ but kernel/test/; the
# test kernel adds kernel/test/ (the in-kernel tests, the benchmarks,
# the echo boot mode) and embeds the test archive instead of the
# everyday one (user/user.mk).
KSRC := $(filter-out kernel/test/%,$(wildcard kernel/*.c kernel/*/*.c)) $(wildcard lib/*.c)
KASM := $(filter-out kernel/test/%,$(wildcard kernel/*/*.S))
KOBJ := $(patsubst %,$(B)/%.o,$(KSRC) $(KASM))
TSRC := $(wildcard kernel/test/*.c)
TOBJ := $(patsubst %,$(B)/%.o,$(TSRC)) $(B)/kernel/test/progs_blob.S.o
# The test kernel's spinlock.c carries the lock-order checker (LOCK_CHECK).
TKOBJ := $(filter-out $(B)/kernel/proc/progs_blob.S.o $(B)/kernel/arch/spinlock.c.o,$(KOBJ)) \
         $(B)/kernel/arch/spinlock.check.o $(TOBJ)

KERNEL_ELF := $(if $(filter test,$(KERNEL)),$(B)/kernel-test.elf,$(B)/kernel.elf)

.DEFAULT_GOAL := all
.PHONY: all kernel test-kernel deps qemu qemu-test qemu-gdb gdb test host-test memplot clean help compile_commands.json

all: kernel

kernel: deps $(B)/kernel.elf

test-kernel: deps $(B)/kernel-test.elf

# User programs and the archives the kernels embed (user/user.mk).
include user/user.mk
$(B)/kernel/proc/progs_blob.S.o: $(USER_ARCHIVE)
$(B)/kernel/proc/progs_blob.S.o: CFLAGS += -DPROGS_ARCHIVE='"$(USER_ARCHIVE)"'
$(B)/kernel/test/progs_blob.S.o: kernel/proc/progs_blob.S $(USER_TEST_ARCHIVE) | deps
	@mkdir -p $(dir $@)
	@echo "  AS      $< (test archive)"
	$(Q)$(CC) $(CFLAGS) -DPROGS_ARCHIVE='"$(USER_TEST_ARCHIVE)"' -c $< -o $@

# make bench builds its kernels with LOCK_CHECK_FLAGS empty: its figures
# are the shipping spinlock's (tools/bench/bench.mk).
LOCK_CHECK_FLAGS ?= -DLOCK_CHECK
$(B)/kernel/arch/spinlock.check.o: kernel/arch/spinlock.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $< (lock check: $(or $(LOCK_CHECK_FLAGS),off))"
	$(Q)$(CC) $(CFLAGS) $(LOCK_CHECK_FLAGS) -c $< -o $@

# Host unit tests of kernel code under ASan/UBSan.
include tools/testing/host/proc.mk
include tools/testing/host/mm.mk
include tools/testing/host/dev.mk
include tools/testing/fuzz/fuzz.mk
include tools/bench/bench.mk
host-test: host-test-mm host-test-proc host-test-dev

# Install missing Debian packages (prints nothing when all are there).
deps:
	@tools/deps.sh --quiet

$(B)/%.c.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(B)/%.S.o: %.S | deps
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# Two-pass link of kernel $(1) from objects $(2): the first pass gives
# the addresses for the symbol table that backtraces use; text comes
# first in linker.ld, so adding the table (in .rodata) in the second pass
# moves no function. The check proves it.
define link_kernel
	@echo "  LD      $(1)"
	$(Q)$(PYTHON) tools/ksyms.py < /dev/null > $(1:.elf=.noksyms.S)
	$(Q)$(CC) $(CFLAGS) -c $(1:.elf=.noksyms.S) -o $(1:.elf=.noksyms.o)
	$(Q)$(CC) $(LDFLAGS) -o $(1:.elf=.pass1.elf) $(2) $(1:.elf=.noksyms.o)
	$(Q)$(NM) -n $(1:.elf=.pass1.elf) | $(PYTHON) tools/ksyms.py > $(1:.elf=.ksyms.S)
	$(Q)$(CC) $(CFLAGS) -c $(1:.elf=.ksyms.S) -o $(1:.elf=.ksyms.o)
	$(Q)$(CC) $(LDFLAGS) -o $(1) $(2) $(1:.elf=.ksyms.o)
	@$(NM) -n $(1:.elf=.pass1.elf) | grep -i ' t ' > $(1:.elf=.pass1.txt)
	@$(NM) -n $(1) | grep -i ' t ' > $(1:.elf=.pass2.txt)
	@cmp -s $(1:.elf=.pass1.txt) $(1:.elf=.pass2.txt) || \
		{ echo "ksyms: text moved between link passes" >&2; rm -f $(1); exit 1; }
	$(Q)$(OBJDUMP) -S $(1) > $(1:.elf=.asm)
	$(Q)$(NM) -n $(1) > $(1:.elf=.sym)
endef

# The shipping kernel: what make qemu boots. No test code (test_absent.scn).
$(B)/kernel.elf: $(KOBJ) linker.ld tools/ksyms.py
	$(call link_kernel,$@,$(KOBJ))

# The test kernel: what make test and make bench boot.
$(B)/kernel-test.elf: $(TKOBJ) linker.ld tools/ksyms.py
	$(call link_kernel,$@,$(TKOBJ))

# QEMU without a kernel; QEMU_CMD boots KERNEL_ELF (KERNEL=test: the test kernel).
QEMU_BASE = $(QEMU) -machine virt -bios $(OPENSBI) -m $(MEM) -smp $(CPUS) -nographic
QEMU_CMD  = $(QEMU_BASE) -kernel $(KERNEL_ELF)

# Boot rvos on the console; Ctrl-A X leaves QEMU.
qemu: deps $(KERNEL_ELF)
	$(QEMU_CMD) $(if $(BOOTARGS),-append "$(BOOTARGS)")

# Boot the test kernel by hand, e.g. make qemu-test BOOTARGS=ktest=fdt_memory.
qemu-test:
	$(Q)$(MAKE) --no-print-directory qemu KERNEL=test

# Boot halted at the first instruction, waiting for gdb on GDBPORT.
qemu-gdb: deps $(KERNEL_ELF)
	@echo "*** QEMU waits for gdb on port $(GDBPORT): run 'make gdb' in another terminal"
	$(QEMU_CMD) $(if $(BOOTARGS),-append "$(BOOTARGS)") -S -gdb tcp::$(GDBPORT)

# Attach gdb, with the rvos-* commands (tools/gdb/rvos.py), to a QEMU
# started by 'make qemu-gdb'. Post-mortem: boot with BOOTARGS=panic=halt,
# and after a panic the hart halts with QEMU up for gdb (docs/debugging.md).
gdb: deps
	@echo "*** rvos-mem, rvos-ps, rvos-bt PID, ...: 'help user-defined'; post-mortem: docs/debugging.md"
	$(GDB) -q -x tools/gdbinit -ex "file $(KERNEL_ELF)" -ex "target remote localhost:$(GDBPORT)" \
		-ex "rvos-hart panic"

# Everything: every scenario in tools/testing/scenarios (QEMU boots, the
# host unit tests and the harness self-tests are scenarios too). QEMU
# and gdb get the test kernel; test_absent.scn checks the shipping one.
test: kernel test-kernel
	$(PYTHON) tools/testing/harness.py --jobs $(JOBS) --logdir $(B)/test \
		--qemu "$(QEMU_BASE)" --cpus $(TEST_CPUS) --kernel $(B)/kernel-test.elf --gdb "$(GDB)" \
		tools/testing/scenarios

# Memory over time: boot the test kernel (the workload runs test
# programs: chantest, flood, storm), run a short workload sampled by gdb
# (tools/memplot_run.py, tools/memplot_sampler.py), and chart the
# snapshots into build/memplot.svg and .png (docs/sysinfo.md, "memplot").
memplot: test-kernel
	@tools/deps.sh --charts --quiet
	$(Q)$(PYTHON) tools/memplot_run.py --qemu "$(QEMU_BASE)" --gdb "$(GDB)" \
		--kernel $(B)/kernel-test.elf --out $(B)/memplot
	$(Q)$(CHART_PYTHON) tools/memplot.py --out $(B)/memplot \
		--title "rvos memory during make memplot's workload" $(B)/memplot/samples.log

# The compilation database for clangd, from the build's own flags.
compile_commands.json:
	$(Q)$(PYTHON) tools/compile_commands.py "$(CURDIR)" "$(CC)" "$(CFLAGS)" \
		"$(USER_CFLAGS)" -- $(KSRC) $(KASM) $(TSRC) $(wildcard user/*.c user/*/*.c user/lib/*.S) > $@
	@echo "  GEN     $@"

clean:
	rm -rf $(B)

help:
	@echo "rvos make targets:"
	@echo "  make            build build/kernel.elf (with kernel.asm, kernel.sym)"
	@echo "  make test-kernel  build build/kernel-test.elf: the kernel with the tests and benchmarks"
	@echo "  make qemu       boot rvos in QEMU (Ctrl-A X quits); KERNEL=test boots the test kernel"
	@echo "  make qemu-test  boot the test kernel (e.g. BOOTARGS=ktest, echo)"
	@echo "  make qemu-gdb   boot halted, waiting for gdb on port GDBPORT"
	@echo "  make gdb        attach gdb-multiarch to 'make qemu-gdb' (rvos-* commands)"
	@echo "  make test       run every test; last line 'N passed, N failed'"
	@echo "  make bench      run the benchmarks (docs/perf.md); figures in build/bench.txt, chart in build/bench.svg"
	@echo "  make memplot    chart memory over a short workload: build/memplot.svg, .png"
	@echo "  make fuzz       libFuzzer on the page allocator and heap for FUZZ_SECONDS (60)"
	@echo "  make deps       install missing Debian packages"
	@echo "  make compile_commands.json   the compilation database for clangd"
	@echo "  make clean      remove build/"
	@echo "variables: MEM=$(MEM) CPUS=$(CPUS) BOOTARGS='$(BOOTARGS)' GDBPORT=$(GDBPORT) JOBS=$(JOBS) KERNEL=$(KERNEL) CROSS=$(CROSS)"

-include $(KOBJ:.o=.d) $(TOBJ:.o=.d) $(B)/kernel/arch/spinlock.check.d
