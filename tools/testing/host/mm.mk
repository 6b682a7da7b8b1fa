# Host unit tests of kernel/mm (page allocator, page tracker, heap, tags,
# call sites), built natively under AddressSanitizer and
# UndefinedBehaviorSanitizer. Included by the top Makefile; run from the
# repository root: `make host-test-mm`.

B ?= build
HOSTCC ?= gcc
HOST_BUILD ?= $(B)/host

HOST_MM_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# The architecture-free kernel sources under test, compiled unchanged.
HOST_MM_KSRCS := $(addprefix kernel/mm/, tag.c alloc_site.c page.c page_cache.c \
	page_owner.c page_check.c heap.c heap_cache.c heap_check.c budget.c report.c \
	heap_debug.c audit.c)
HOST_MM_TSRCS := $(wildcard tools/testing/host/mm/*.c) tools/testing/host/shim.c \
	tools/testing/host/mm_stubs.c lib/strlcpy.c
HOST_MM_DEPS := $(wildcard include/kernel/*.h include/uapi/*.h kernel/mm/*.h \
	tools/testing/host/mm/*.h)

$(HOST_BUILD)/mm_test: $(HOST_MM_KSRCS) $(HOST_MM_TSRCS) $(HOST_MM_DEPS) \
		tools/testing/host/mm.mk
	@mkdir -p $(HOST_BUILD)
	$(HOSTCC) $(HOST_MM_CFLAGS) -o $@ $(HOST_MM_KSRCS) $(HOST_MM_TSRCS)

.PHONY: host-test-mm
host-test-mm: $(HOST_BUILD)/mm_test
	python3 tools/testing/check_tags.py
	ASAN_OPTIONS=detect_leaks=1 $(HOST_BUILD)/mm_test
