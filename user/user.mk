# User programs and the program archive, included by the top Makefile
# (run from the repository root).
#
# Every user/NAME.c is a program: it is compiled, linked with the user
# library (user/lib plus lib/format.c and lib/string.c, shared with the kernel)
# into build/user/NAME.elf, and packed with tools/mkprogs into
# build/progs.bin, which kernel/proc/progs_blob.S embeds.
#
# Exposes:
#   USER_PROGS    program names (hello echo ...)
#   USER_ELFS     build/user/NAME.elf for each (with debug information)
#   USER_ARCHIVE  build/progs.bin
#   user          phony: build all of the above
# The kernel object that embeds the archive must depend on it, e.g.
#   $(BUILD)/kernel/proc/progs_blob.o: $(USER_ARCHIVE)

CROSS_COMPILE ?= riscv64-unknown-elf-
USER_CC       ?= $(CROSS_COMPILE)gcc
USER_AR       ?= $(CROSS_COMPILE)ar
USER_STRIP    ?= $(CROSS_COMPILE)strip
HOSTCC        ?= gcc

USER_CFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-ffreestanding -nostdlib -fno-builtin -fno-omit-frame-pointer \
	-fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -g -O2 -Wall -Wextra -Werror \
	-Iinclude -Iuser/include
# Stack clash: no frame larger than USER_FRAME_MAX, no VLA, no alloca,
# so the gap under the stack always stops an overflow (uapi/layout.h).
USER_FRAME_MAX := $(shell sed -n 's/^\#define USER_FRAME_MAX *\([0-9]*\).*/\1/p' include/uapi/layout.h)
USER_CFLAGS += -Wframe-larger-than=$(USER_FRAME_MAX) -Wvla -Walloca
USER_DEPFLAGS := -MMD -MP
USER_LDFLAGS := -nostdlib -static -T user/user.ld \
	-Wl,-z,max-page-size=4096

# user/test/NAME.c are test programs (attacks, trees to kill): built and
# packed the same way, kept apart from the everyday tools.
USER_PROGS   := $(sort $(basename $(notdir $(wildcard user/*.c user/test/*.c))))
USER_ELFS    := $(USER_PROGS:%=build/user/%.elf)
USER_PACKED  := $(USER_PROGS:%=build/user/packed/%.elf)
USER_ARCHIVE := build/progs.bin
MKPROGS      := build/tools/mkprogs

USER_CRT0     := build/user/lib/crt0.o
USER_LIB      := build/user/libuser.a
USER_LIB_OBJS := \
	$(patsubst user/lib/%.c,build/user/lib/%.o,$(wildcard user/lib/*.c)) \
	$(patsubst user/lib/%.S,build/user/lib/%.o,$(filter-out user/lib/crt0.S,$(wildcard user/lib/*.S))) \
	build/user/shared/format.o build/user/shared/string.o
USER_PROG_OBJS := $(patsubst user/%.c,build/user/%.o,$(wildcard user/*.c))
USER_TEST_OBJS := $(patsubst user/test/%.c,build/user/%.o,$(wildcard user/test/*.c))

.PHONY: user
user: $(USER_ARCHIVE)

# The list of programs is kept in a file that changes only when the list
# does, so removing a program also rebuilds the archive.
USER_PROGS_LIST := build/user/progs.list
$(shell mkdir -p build/user && (echo '$(USER_PROGS)' | cmp -s - $(USER_PROGS_LIST) || \
	echo '$(USER_PROGS)' > $(USER_PROGS_LIST)))

$(USER_ARCHIVE): $(USER_PACKED) $(MKPROGS) $(USER_PROGS_LIST)
	@echo "  PACK    $@"
	$(Q)$(MKPROGS) $@ $(USER_PACKED)

# The archive holds copies without debug information; build/user/NAME.elf
# keeps it for gdb and objdump.
$(USER_PACKED): build/user/packed/%.elf: build/user/%.elf
	@mkdir -p $(@D)
	$(Q)$(USER_STRIP) --strip-debug -o $@ $<

$(MKPROGS): tools/mkprogs.c include/uapi/progs.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -O2 -Wall -Wextra -Werror -Iinclude -o $@ $<

$(USER_ELFS): build/user/%.elf: build/user/%.o $(USER_CRT0) $(USER_LIB) user/user.ld
	@echo "  LD      $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIB) -lgcc

$(USER_LIB): $(USER_LIB_OBJS)
	@rm -f $@
	$(Q)$(USER_AR) rcs $@ $^

$(USER_PROG_OBJS): build/user/%.o: user/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

$(USER_TEST_OBJS): build/user/%.o: user/test/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

$(patsubst user/lib/%.c,build/user/lib/%.o,$(wildcard user/lib/*.c)): build/user/lib/%.o: user/lib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

$(patsubst user/lib/%.S,build/user/lib/%.o,$(wildcard user/lib/*.S)): build/user/lib/%.o: user/lib/%.S
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

build/user/shared/format.o build/user/shared/string.o: build/user/shared/%.o: lib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

-include $(wildcard build/user/*.d build/user/lib/*.d build/user/shared/*.d)
