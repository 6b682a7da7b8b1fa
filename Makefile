# rvos: build, run, debug and test. `make help` lists the targets.

# ---- user-tunable variables -------------------------------------------------
MEM      ?= 128M
CPUS     ?= 1
BOOTARGS ?=
GDBPORT  ?= 1234
JOBS     ?= 2

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

B        := build

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
KSRC := $(wildcard kernel/*.c kernel/*/*.c lib/*.c)
KASM := $(wildcard kernel/*/*.S)
KOBJ := $(patsubst %,$(B)/%.o,$(KSRC) $(KASM))

.DEFAULT_GOAL := all
.PHONY: all kernel deps qemu qemu-gdb gdb test host-test memplot clean help compile_commands.json

all: kernel

kernel: deps $(B)/kernel.elf

# User programs and the archive the kernel embeds (user/user.mk).
include user/user.mk
$(B)/kernel/proc/progs_blob.S.o: $(USER_ARCHIVE)

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

# Two-pass link: the first pass gives the addresses for the symbol table
# that backtraces use; text comes first in linker.ld, so adding the table
# (in .rodata) in the second pass moves no function. The check proves it.
$(B)/kernel.elf: $(KOBJ) linker.ld tools/ksyms.py
	@mkdir -p $(B)/ksyms
	@echo "  LD      $@"
	$(Q)$(PYTHON) tools/ksyms.py < /dev/null > $(B)/ksyms/empty.S
	$(Q)$(CC) $(CFLAGS) -c $(B)/ksyms/empty.S -o $(B)/ksyms/empty.o
	$(Q)$(CC) $(LDFLAGS) -o $(B)/kernel.pass1.elf $(KOBJ) $(B)/ksyms/empty.o
	$(Q)$(NM) -n $(B)/kernel.pass1.elf | $(PYTHON) tools/ksyms.py > $(B)/ksyms/ksyms.S
	$(Q)$(CC) $(CFLAGS) -c $(B)/ksyms/ksyms.S -o $(B)/ksyms/ksyms.o
	$(Q)$(CC) $(LDFLAGS) -o $@ $(KOBJ) $(B)/ksyms/ksyms.o
	@$(NM) -n $(B)/kernel.pass1.elf | grep -i ' t ' > $(B)/ksyms/pass1.txt
	@$(NM) -n $@ | grep -i ' t ' > $(B)/ksyms/pass2.txt
	@cmp -s $(B)/ksyms/pass1.txt $(B)/ksyms/pass2.txt || \
		{ echo "ksyms: text moved between link passes" >&2; rm -f $@; exit 1; }
	$(Q)$(OBJDUMP) -S $@ > $(B)/kernel.asm
	$(Q)$(NM) -n $@ > $(B)/kernel.sym

QEMUOPTS = -machine virt -bios $(OPENSBI) -m $(MEM) -smp $(CPUS) -nographic \
           -kernel $(B)/kernel.elf
QEMU_CMD = $(QEMU) $(QEMUOPTS)

# Boot rvos on the console; Ctrl-A X leaves QEMU.
qemu: kernel
	$(QEMU_CMD) $(if $(BOOTARGS),-append "$(BOOTARGS)")

# Boot halted at the first instruction, waiting for gdb on GDBPORT.
qemu-gdb: kernel
	@echo "*** QEMU waits for gdb on port $(GDBPORT): run 'make gdb' in another terminal"
	$(QEMU_CMD) $(if $(BOOTARGS),-append "$(BOOTARGS)") -S -gdb tcp::$(GDBPORT)

# Attach gdb, with the rvos-* commands (tools/gdb/rvos.py), to a QEMU
# started by 'make qemu-gdb'. Post-mortem: boot with BOOTARGS=panic=halt,
# and after a panic the hart halts with QEMU up for gdb (docs/debugging.md).
gdb: deps
	@echo "*** rvos-mem, rvos-ps, rvos-bt PID, ...: 'help user-defined'; post-mortem: docs/debugging.md"
	$(GDB) -q -x tools/gdbinit -ex "target remote localhost:$(GDBPORT)"

# Everything: every scenario in tools/testing/scenarios (QEMU boots, the
# host unit tests and the harness self-tests are scenarios too).
test: kernel
	$(PYTHON) tools/testing/harness.py --jobs $(JOBS) --logdir $(B)/test \
		--qemu "$(QEMU_CMD)" --gdb "$(GDB)" tools/testing/scenarios

# Memory over time: boot, run a short workload sampled by gdb
# (tools/memplot_run.py, tools/memplot_sampler.py), and chart the
# snapshots into build/memplot.svg and .png (docs/sysinfo.md, "memplot").
memplot: kernel
	@tools/deps.sh --charts --quiet
	$(Q)$(PYTHON) tools/memplot_run.py --qemu "$(QEMU_CMD)" --gdb "$(GDB)" \
		--kernel $(B)/kernel.elf --out $(B)/memplot
	$(Q)$(CHART_PYTHON) tools/memplot.py --out $(B)/memplot \
		--title "rvos memory during make memplot's workload" $(B)/memplot/samples.log

# The compilation database for clangd, from the build's own flags.
compile_commands.json:
	$(Q)$(PYTHON) tools/compile_commands.py "$(CURDIR)" "$(CC)" "$(CFLAGS)" \
		"$(USER_CFLAGS)" -- $(KSRC) $(KASM) $(wildcard user/*.c user/*/*.c user/lib/*.S) > $@
	@echo "  GEN     $@"

clean:
	rm -rf $(B)

help:
	@echo "rvos make targets:"
	@echo "  make            build build/kernel.elf (with kernel.asm, kernel.sym)"
	@echo "  make qemu       boot rvos in QEMU (Ctrl-A X quits)"
	@echo "  make qemu-gdb   boot halted, waiting for gdb on port GDBPORT"
	@echo "  make gdb        attach gdb-multiarch to 'make qemu-gdb' (rvos-* commands)"
	@echo "  make test       run every test; last line 'N passed, N failed'"
	@echo "  make bench      run the benchmarks (docs/perf.md); figures in build/bench.txt, chart in build/bench.svg"
	@echo "  make memplot    chart memory over a short workload: build/memplot.svg, .png"
	@echo "  make fuzz       libFuzzer on the page allocator and heap for FUZZ_SECONDS (60)"
	@echo "  make deps       install missing Debian packages"
	@echo "  make compile_commands.json   the compilation database for clangd"
	@echo "  make clean      remove build/"
	@echo "variables: MEM=$(MEM) CPUS=$(CPUS) BOOTARGS='$(BOOTARGS)' GDBPORT=$(GDBPORT) JOBS=$(JOBS)"

-include $(KOBJ:.o=.d)
