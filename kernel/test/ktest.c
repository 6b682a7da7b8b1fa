/* In-kernel test runner, and the one way tests run a program (ktest.h). */
#include "ktest.h"
#include <kernel/printf.h>
#include <kernel/bootargs.h>
#include <lib/string.h>
#include <kernel/proc.h>
#include <uapi/errno.h>
#include <stdarg.h>

extern const struct ktest __start_ktests[], __stop_ktests[];

static bool failed;     /* did the running test fail? */

void ktest_fail(const char *file, int line, const char *what)
{
	kprintf("ktest:   %s:%d: check failed: %s\n", file, line, what);
	failed = true;
}

void ktest_fail_eq(const char *file, int line, const char *a, const char *b,
		   long va, long vb)
{
	kprintf("ktest:   %s:%d: expected %s == %s, saw %ld (0x%lx) and %ld (0x%lx)\n",
		file, line, a, b, va, (unsigned long)va, vb, (unsigned long)vb);
	failed = true;
}

/* Name every word of the comma-separated list that is no test's name;
 * returns how many there were. */
static int ktest_unknown(const char *list)
{
	int unknown = 0;
	size_t len;
	for (const char *p; (p = bootarg_list_next(&list, &len));) {
		bool known = len == 0;          /* "a,,b": nothing asked for */
		for (const struct ktest *t = __start_ktests; t < __stop_ktests && !known; t++)
			known = strlen(t->name) == len && strncmp(p, t->name, len) == 0;
		if (!known) {
			char name[64];
			strlcpy(name, p, MIN(len + 1, sizeof(name)));
			kprintf("ktest: no test named '%s'\n", name);
			unknown++;
		}
	}
	return unknown;
}

/* Run the selected tests; returns how many failed, counting each name
 * that is no test's as a failure. */
int ktest_main(const char *which)
{
	int passed = 0, nfailed = ktest_unknown(which);
	for (const struct ktest *t = __start_ktests; t < __stop_ktests; t++) {
		bool run = *which ? bootarg_list_has(which, t->name) : !t->explicit_only;
		if (!run)
			continue;
		kprintf("ktest: %s ...\n", t->name);
		failed = false;
		t->fn();
		kprintf("ktest: %s %s\n", t->name, failed ? "FAIL" : "ok");
		if (failed)
			nfailed++;
		else
			passed++;
	}
	kprintf("ktest: %d passed, %d failed\n", passed, nfailed);
	return nfailed;
}

/* Spawn name with the NULL-ended arguments in ap as our child. */
static pid_t ktest_vspawn(const char *name, va_list ap)
{
	char *argv[KTEST_ARGS_MAX + 2] = { (char *)name };
	int argc = 1;
	const char *arg;

	while ((arg = va_arg(ap, const char *)) != NULL) {
		if (argc > KTEST_ARGS_MAX)
			return -E2BIG;
		argv[argc++] = (char *)arg;
	}
	argv[argc] = NULL;
	return proc_spawn(name, argc, argv, proc_current()->pid);
}

/* Start a program as our child (ktest.h). */
pid_t ktest_spawn(const char *name, ...)
{
	va_list ap;
	va_start(ap, name);
	pid_t pid = ktest_vspawn(name, ap);
	va_end(ap);
	return pid;
}

/* Run a program as our child to its end (ktest.h). */
int ktest_run(const char *name, ...)
{
	va_list ap;
	int status;
	va_start(ap, name);
	pid_t pid = ktest_vspawn(name, ap);
	va_end(ap);
	if (pid < 0)
		return pid;
	return proc_wait(pid, &status) == pid ? status : -EIO;
}
