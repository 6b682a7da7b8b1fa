# Host fuzzing of kernel/mm with libFuzzer (clang, Debian's
# libclang-rt-14-dev): tools/testing/fuzz/mm_fuzz.c drives the page
# allocator, page tracker and heap with arbitrary operation sequences
# under AddressSanitizer and UndefinedBehaviorSanitizer. Included by the
# top Makefile after tools/testing/host/mm.mk, whose list of kernel
# sources it compiles unchanged.
#
#   make fuzz                   fuzz for FUZZ_SECONDS (default 60)
#   make fuzz FUZZ_SECONDS=600  longer
# New inputs collect in build/fuzz/corpus (kept between runs); a crash
# leaves build/fuzz/crash-* for replay: build/fuzz/mm_fuzz FILE.

B ?= build
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := $(B)/fuzz

FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

FUZZ_SRCS := $(HOST_MM_KSRCS) tools/testing/fuzz/mm_fuzz.c tools/testing/host/shim.c \
	tools/testing/host/mm_stubs.c lib/strlcpy.c

$(FUZZ_BUILD)/mm_fuzz: $(FUZZ_SRCS) $(HOST_MM_DEPS) tools/testing/fuzz/fuzz.mk | deps
	@mkdir -p $(FUZZ_BUILD)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS)

.PHONY: fuzz
fuzz: $(FUZZ_BUILD)/mm_fuzz
	@mkdir -p $(FUZZ_BUILD)/corpus
	cd $(FUZZ_BUILD) && ./mm_fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-print_final_stats=1 corpus

# The stateful system call fuzzer (user/test/sfuzz.c) in QEMU, longer
# than make test runs it and from a fresh seed (printed; replay with
# SFUZZ_SEED=N): SFUZZ_RUNS runs of SFUZZ_STEPS steps, memory compared
# after each. make fuzz runs it first; SFUZZ_RUNS=0 skips it (as
# harden_fuzz_host.scn does, which wants the host fuzzer alone).
SFUZZ_SEED  ?= $(shell date +%s)
SFUZZ_RUNS  ?= 400
SFUZZ_STEPS ?= 1000

.PHONY: fuzz-sfuzz
fuzz-sfuzz: kernel
ifneq ($(SFUZZ_RUNS),0)
	@mkdir -p $(FUZZ_BUILD)
	@printf '%s\n' 'timeout: 3600' 'forbid: ^sfuzz: .*FAIL' 'expect: ^rvos>\x20' \
		'send: sfuzz $(SFUZZ_SEED) $(SFUZZ_RUNS) $(SFUZZ_STEPS)\r' \
		'expect: ^sfuzz: $(SFUZZ_RUNS) runs: PASS' > $(FUZZ_BUILD)/sfuzz.scn
	@echo "  SFUZZ   seed $(SFUZZ_SEED), $(SFUZZ_RUNS) runs of $(SFUZZ_STEPS) steps"
	$(PYTHON) tools/testing/harness.py --logdir $(FUZZ_BUILD) $(FUZZ_BUILD)/sfuzz.scn
endif

fuzz: fuzz-sfuzz
