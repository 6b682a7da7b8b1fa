/* Tests that timer interrupts arrive and the tick count advances. */
#include "ktest.h"
#include <kernel/timer.h>
#include <kernel/riscv.h>

KTEST(timer_ticks_advance)
{
	KT_ASSERT(intr_get());
	uint64_t start = timer_ticks();
	uint64_t t0 = rdtime();
	/* wait up to 1 s of timebase for 5 ticks (50 ms at 100 Hz) */
	while (timer_ticks() < start + 5 && rdtime() - t0 < timer_timebase())
		wfi();
	KT_ASSERT(timer_ticks() >= start + 5);
	KT_ASSERT(timer_ms() > 0);
}
