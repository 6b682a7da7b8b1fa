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
#include <kernel/cpu.h>
#include <kernel/param.h>

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

/* One thread: a raw lock found held was taken twice. */
void spin_wait_raw(struct spinlock *l)
{
	fprintf(stderr, "host shim: per-hart lock %s taken twice\n", l->name);
	abort();
}

/* The harts: one thread plays each in turn (host_set_cpu), so tests can
 * allocate "on" one hart and free "on" another. */
struct cpu cpus[NCPU];
int ncpu_online = 1;
static int host_cpu;

struct cpu *this_cpu(void)
{
	return &cpus[host_cpu];
}

/* Run the following kernel code as hart id. */
void host_set_cpu(int id)
{
	cpus[id].id = id;
	host_cpu = id;
}
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
