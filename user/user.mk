# User programs and the program archives, included by the top Makefile
# (run from the repository root, with B the build folder and CROSS the
# cross prefix).
#
# Every user/NAME.c is an everyday program and every user/test/NAME.c a
# program that exists for tests; an everyday program may have more
# parts in user/NAME/*.c, linked into it (user/mem/). Each is compiled, linked with the user
# library (user/lib plus lib/format.c, lib/string.c and lib/strlcpy.c, shared with the kernel)
# into $(B)/user/NAME.elf, and packed with tools/mkprogs. The shipping
# kernel embeds $(B)/progs.bin (the everyday programs); the test kernel
# embeds $(B)/progs-test.bin (those and the test programs), each through
# kernel/proc/progs_blob.S.
#
# Exposes:
#   USER_PROGS         everyday program names (hello echo ...)
#   USER_TEST_PROGS    test program names (chantest fuzz ...)
#   USER_ELFS          $(B)/user/NAME.elf for all of them (with debug information)
#   USER_ARCHIVE       $(B)/progs.bin
#   USER_TEST_ARCHIVE  $(B)/progs-test.bin
#   user               phony: build all of the above

USER_CC       ?= $(CROSS)gcc
USER_AR       ?= $(CROSS)ar
USER_STRIP    ?= $(CROSS)strip
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

# One name space: a test program may not share an everyday one's name.
USER_PROGS        := $(sort $(basename $(notdir $(wildcard user/*.c))))
USER_TEST_PROGS   := $(sort $(basename $(notdir $(wildcard user/test/*.c))))
$(if $(filter $(USER_PROGS),$(USER_TEST_PROGS)),$(error user/test/ repeats a program of user/: $(filter $(USER_PROGS),$(USER_TEST_PROGS))))
USER_ALL_PROGS    := $(USER_PROGS) $(USER_TEST_PROGS)
USER_ELFS         := $(USER_ALL_PROGS:%=$(B)/user/%.elf)
USER_PACKED       := $(USER_PROGS:%=$(B)/user/packed/%.elf)
USER_TEST_PACKED  := $(USER_TEST_PROGS:%=$(B)/user/packed/%.elf)
USER_ARCHIVE      := $(B)/progs.bin
USER_TEST_ARCHIVE := $(B)/progs-test.bin
MKPROGS           := $(B)/tools/mkprogs

USER_CRT0     := $(B)/user/lib/crt0.o
USER_LIB      := $(B)/user/libuser.a
USER_LIB_OBJS := \
	$(patsubst user/lib/%.c,$(B)/user/lib/%.o,$(wildcard user/lib/*.c)) \
	$(patsubst user/lib/%.S,$(B)/user/lib/%.o,$(filter-out user/lib/crt0.S,$(wildcard user/lib/*.S))) \
	$(B)/user/shared/format.o $(B)/user/shared/string.o $(B)/user/shared/strlcpy.o
USER_PROG_OBJS := $(patsubst user/%.c,$(B)/user/%.o,$(wildcard user/*.c))
USER_TEST_OBJS := $(patsubst user/test/%.c,$(B)/user/%.o,$(wildcard user/test/*.c))
USER_PART_OBJS := $(patsubst user/%.c,$(B)/user/%.o,$(foreach p,$(USER_PROGS),$(wildcard user/$(p)/*.c)))

.PHONY: user
user: $(USER_ARCHIVE) $(USER_TEST_ARCHIVE)

# The lists of programs are kept in a file that changes only when a list
# does, so removing a program also rebuilds the archives.
USER_PROGS_LIST := $(B)/user/progs.list
$(shell mkdir -p $(B)/user && (echo '$(USER_PROGS) / $(USER_TEST_PROGS)' | cmp -s - $(USER_PROGS_LIST) || \
	echo '$(USER_PROGS) / $(USER_TEST_PROGS)' > $(USER_PROGS_LIST)))

$(USER_ARCHIVE): $(USER_PACKED) $(MKPROGS) $(USER_PROGS_LIST)
	@echo "  PACK    $@"
	$(Q)$(MKPROGS) $@ $(USER_PACKED)

$(USER_TEST_ARCHIVE): $(USER_PACKED) $(USER_TEST_PACKED) $(MKPROGS) $(USER_PROGS_LIST)
	@echo "  PACK    $@"
	$(Q)$(MKPROGS) $@ $(sort $(USER_PACKED) $(USER_TEST_PACKED))

# The archives hold copies without debug information; $(B)/user/NAME.elf
# keeps it for gdb and objdump.
$(USER_PACKED) $(USER_TEST_PACKED): $(B)/user/packed/%.elf: $(B)/user/%.elf
	@mkdir -p $(@D)
	$(Q)$(USER_STRIP) --strip-debug -o $@ $<

$(MKPROGS): tools/mkprogs.c include/uapi/progs.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) -O2 -Wall -Wextra -Werror -Iinclude -o $@ $<

$(USER_ELFS): $(B)/user/%.elf: $(B)/user/%.o $(USER_CRT0) $(USER_LIB) user/user.ld
	@echo "  LD      $@"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< \
		$(filter $(B)/user/$*/%.o,$^) $(USER_LIB) -lgcc

# A program's parts (user/NAME/*.c) are prerequisites of its ELF.
$(foreach p,$(USER_PROGS),$(eval $(B)/user/$(p).elf: $(filter $(B)/user/$(p)/%.o,$(USER_PART_OBJS))))

$(USER_LIB): $(USER_LIB_OBJS)
	@rm -f $@
	$(Q)$(USER_AR) rcs $@ $^

$(USER_PROG_OBJS): $(B)/user/%.o: user/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

$(USER_PART_OBJS): $(B)/user/%.o: user/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

$(USER_TEST_OBJS): $(B)/user/%.o: user/test/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

$(patsubst user/lib/%.c,$(B)/user/lib/%.o,$(wildcard user/lib/*.c)): $(B)/user/lib/%.o: user/lib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

$(patsubst user/lib/%.S,$(B)/user/lib/%.o,$(wildcard user/lib/*.S)): $(B)/user/lib/%.o: user/lib/%.S
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

$(B)/user/shared/format.o $(B)/user/shared/string.o $(B)/user/shared/strlcpy.o: $(B)/user/shared/%.o: lib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_DEPFLAGS) -c -o $@ $<

-include $(wildcard $(B)/user/*.d $(B)/user/*/*.d)
