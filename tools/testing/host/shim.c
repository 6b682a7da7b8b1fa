/* Host stand-ins for the few kernel services that kernel/mm and other
 * architecture-free kernel code use, so that code compiles unchanged for
 * the host and runs under AddressSanitizer and UndefinedBehaviorSanitizer.
 *
 * Single-threaded: locks only check their own discipline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <kernel/spinlock.h>
#include <kernel/printf.h>
#include <kernel/ksym.h>

void spin_lock(struct spinlock *l)
{
	if (l->locked) {
		fprintf(stderr, "host shim: lock %s taken twice\n", l->name);
		abort();
	}
	l->locked = 1;
}

void spin_unlock(struct spinlock *l)
{
	if (!l->locked) {
		fprintf(stderr, "host shim: lock %s released unheld\n", l->name);
		abort();
	}
	l->locked = 0;
}

bool spin_held(struct spinlock *l) { return l->locked != 0; }
void push_off(void) {}
void pop_off(void) {}

/* Tests may silence the kernel's reports (misuse tests print many). */
int host_quiet;

int vkprintf(const char *fmt, va_list ap)
{
	if (host_quiet)
		return 0;
	return vprintf(fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

const char *ksym_lookup(uintptr_t addr, uintptr_t *offset)
{
	(void)addr;
	*offset = 0;
	return NULL;
}

/* glibc before 2.38 has no strlcpy; the kernel's semantics. */
size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);
	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(d, s, k);
		d[k] = '\0';
	}
	return len;
}
