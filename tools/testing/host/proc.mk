# Host tests for the architecture-free parts of kernel/proc: the ELF
# checks and the program archive. Included by the top Makefile, or run
# alone from the repository root:
#
#   make -f tools/testing/host/proc.mk host-test-proc
#
# Built with AddressSanitizer and UndefinedBehaviorSanitizer; any report
# aborts the test. When the user programs have been built, the real
# $(B)/user/*.elf files and both program archives are checked as well.

B      ?= build
HOSTCC ?= gcc

HOST_PROC_DIR    := $(B)/host/proc
HOST_PROC_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HOST_PROC_DEPS   := tools/testing/host/shim.c lib/strlcpy.c $(wildcard include/kernel/*.h include/uapi/*.h)

.PHONY: host-test-proc
host-test-proc: $(HOST_PROC_DIR)/elf_test $(HOST_PROC_DIR)/progs_test
	$(HOST_PROC_DIR)/elf_test $$(ls $(B)/user/*.elf 2>/dev/null)
	$(HOST_PROC_DIR)/progs_test $$(ls $(B)/progs.bin $(B)/progs-test.bin 2>/dev/null)

$(HOST_PROC_DIR)/elf_test: tools/testing/host/proc/elf_test.c kernel/proc/elf.c $(HOST_PROC_DEPS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_PROC_CFLAGS) -o $@ $(filter %.c,$^)

$(HOST_PROC_DIR)/progs_test: tools/testing/host/proc/progs_test.c kernel/proc/progs.c kernel/proc/elf.c $(HOST_PROC_DEPS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_PROC_CFLAGS) -o $@ $(filter %.c,$^)
