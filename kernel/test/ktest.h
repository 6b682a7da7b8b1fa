/* In-kernel tests (kernel/test/, linked only into the test kernel).
 *
 * KTEST(name) { ... } registers a test in the "ktests" linker section.
 * Booting with the bootarg "ktest" runs every test not marked explicit;
 * "ktest=NAME[,NAME...]" runs only the named ones (explicit tests, such
 * as the deliberate panic, run only when named). Each test prints one
 * "ktest: NAME ... ok|FAIL" line; QEMU then exits 0 if all passed.
 *
 * KT_ASSERT/KT_EQ record a failure with file and line and return from
 * the test function, so they are used only in the test body itself.
 */
#ifndef RVOS_KERNEL_TEST_KTEST_H
#define RVOS_KERNEL_TEST_KTEST_H

#include <kernel/types.h>

struct ktest {
	const char *name;
	void (*fn)(void);
	bool explicit_only;   /* run only when named on the command line */
};

#define KTEST_DEFINE(id, explicit)                                          \
	static void ktest_fn_##id(void);                                    \
	static const struct ktest ktest_rec_##id                             \
		__attribute__((section("ktests"), used, aligned(8))) =       \
		{ #id, ktest_fn_##id, explicit };                            \
	static void ktest_fn_##id(void)

#define KTEST(id)          KTEST_DEFINE(id, false)
#define KTEST_EXPLICIT(id) KTEST_DEFINE(id, true)

void ktest_fail(const char *file, int line, const char *what);
void ktest_fail_eq(const char *file, int line, const char *a, const char *b,
		   long va, long vb);

#define KT_ASSERT(c) \
	do { if (!(c)) { ktest_fail(__FILE__, __LINE__, #c); return; } } while (0)
#define KT_EQ(a, b)                                                          \
	do {                                                                  \
		long va_ = (long)(a), vb_ = (long)(b);                        \
		if (va_ != vb_) {                                             \
			ktest_fail_eq(__FILE__, __LINE__, #a, #b, va_, vb_); \
			return;                                               \
		}                                                             \
	} while (0)

/* Run the tests selected by the "ktest" bootarg value ("" = all). */
int ktest_main(const char *which);   /* returns the number failed */

/* Spawn user program name with the arguments that follow (at most
 * KTEST_ARGS_MAX, ended by NULL) as a child of the running thread: its
 * pid, or the negative error from proc_spawn. */
pid_t ktest_spawn(const char *name, ...);

/* The same, and wait for it to end: its wait status, or a negative error
 * from proc_spawn (-EIO if the wait failed). */
int ktest_run(const char *name, ...);

#define KTEST_ARGS_MAX 6

#endif
