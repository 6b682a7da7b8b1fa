/* A deliberate panic, run only when named ("ktest=panic"): proves that a
 * kernel bug stops the run with a report and a failing exit status. */
#include "ktest.h"
#include <kernel/printf.h>

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
