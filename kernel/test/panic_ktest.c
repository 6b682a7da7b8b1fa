/* A deliberate panic, run only when named ("ktest=panic"): proves that a
 * kernel bug stops the run with a report and a failing exit status. */
#include "ktest.h"
#include <kernel/printf.h>
#include <kernel/proc.h>
#include <kernel/cpu.h>

/* Two real frames (not inlined) so the backtrace shows a chain. */
__attribute__((noinline)) static void panic_inner(int why)
{
	panic("deliberate panic from ktest (%d)", why);
}

__attribute__((noinline)) static void panic_outer(int why)
{
	panic_inner(why + 1);
	__asm__ volatile("");   /* not a tail call */
}

KTEST_EXPLICIT(panic)
{
	panic_outer(41);
}

/* A kernel fault that nobody expects: a trap report rather than panic(). */
static volatile uintptr_t bad_address = 8;

KTEST_EXPLICIT(fault)
{
	*(volatile int *)bad_address = 1;
}

/* A panic on another hart than the boot hart while every other hart
 * prints: the report names that hart, comes out whole (the printers are
 * stopped first, panic_smp.scn checks no printer line follows it) and
 * QEMU exits failing. */
static volatile bool printers_go;

static void panic_printer(void *arg)
{
	for (unsigned long n = 0;; n++)
		if (printers_go)
			kprintf("printer %lu line %lu\n", (unsigned long)(uintptr_t)arg, n);
}

static void panic_far_hart(void *arg)
{
	(void)arg;
	printers_go = true;
	proc_sleep_ms(50);
	panic_outer(1000 + cpu_id());
}

KTEST_EXPLICIT(panic_smp)
{
	int last = ncpu_online - 1;

	if (last < 1) {
		kprintf("panic_smp: needs 2 harts, %d online\n", ncpu_online);
		return;
	}
	for (int i = 0; i < last; i++)
		kthread_start_on("printer", panic_printer, (void *)(uintptr_t)i, i);
	kthread_start_on("panicker", panic_far_hart, NULL, last);
	proc_sleep_ms(5000);
	kprintf("panic_smp: no panic came\n");
}
