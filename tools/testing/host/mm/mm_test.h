/* Host tests of kernel/mm: shared checks and the test environment. */
#ifndef RVOS_HOST_MM_TEST_H
#define RVOS_HOST_MM_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/types.h>
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <kernel/alloc_site.h>
#include <kernel/mm.h>
#include <uapi/errno.h>

extern int host_quiet;          /* tools/testing/host/shim.c */
void host_set_cpu(int id);      /* ... and run as hart id */
extern long t_checks, t_fails;

/* Record a failed check: what was expected, what was seen. */
#define EXPECT_EQ(seen, expected)                                              \
	do {                                                                   \
		long long s_ = (long long)(seen), e_ = (long long)(expected);  \
		t_checks++;                                                    \
		if (s_ != e_) {                                                \
			t_fails++;                                             \
			printf("  FAIL %s:%d: %s: expected %lld (%s), saw %lld\n", \
			       __FILE__, __LINE__, #seen, e_, #expected, s_);  \
		}                                                              \
	} while (0)

#define EXPECT(cond)                                                           \
	do {                                                                   \
		t_checks++;                                                    \
		if (!(cond)) {                                                 \
			t_fails++;                                             \
			printf("  FAIL %s:%d: expected %s, saw it false\n",    \
			       __FILE__, __LINE__, #cond);                     \
		}                                                              \
	} while (0)

/* The simulated RAM of one test: aligned to the largest page block. */
struct mm_env {
	uint8_t *ram;
	size_t size;
	void *meta;                 /* page descriptors, outside ram */
};
extern struct mm_env env;

/* Fresh tag table, page allocator over size bytes (all handed over
 * unless empty), empty heap, zero call-site counters. */
void env_setup(size_t size, bool hand_over);
void env_teardown(void);

/* Run f with misuse reports silenced. */
#define QUIET(expr) ({ host_quiet = 1; __auto_type q_ = (expr); host_quiet = 0; q_; })

/* Test groups, one per file. */
struct mm_test { const char *name; void (*fn)(void); };
extern const struct mm_test page_tests[], page_cache_tests[], heap_tests[],
	heap_cache_tests[], tag_tests[],
	stress_tests[], heap_debug_tests[], audit_tests[];

/* mm_oom's calls so far (host/mm_stubs.c's stand-in). */
extern unsigned host_oom_calls;

#endif
