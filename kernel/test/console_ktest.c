/* Console lines stay whole (docs/smp.md, "Console output"): threads
 * each print lines "cl: tT nNNN a b c", every line from four kprintf
 * calls with a little work between them. console_lines.scn fails on any
 * "cl: " line of another form. On one hart the threads share it and the
 * tick preempts them mid-line; with more, each has a hart of its own. */
#include "ktest.h"
#include <kernel/proc.h>
#include <kernel/cpu.h>
#include <kernel/printf.h>

#define CL_THREADS  3
#define CL_LINES    100
#define CL_WORK     20000     /* loop steps between the parts of a line */

static volatile int cl_done;

static void cl_work(void)
{
	for (volatile int i = 0; i < CL_WORK; i++)
		;
}

static void cl_thread(void *arg)
{
	int t = (int)(uintptr_t)arg;

	for (int n = 0; n < CL_LINES; n++) {
		kprintf("cl: t%d n%03d", t, n);
		cl_work();
		kprintf(" a");
		cl_work();
		kprintf(" b");
		cl_work();
		kprintf(" c\n");
	}
	__atomic_fetch_add(&cl_done, 1, __ATOMIC_RELEASE);
}

KTEST_EXPLICIT(console_lines)
{
	bool pin = ncpu_online >= 2;

	if (!pin)
		kprintf("console_lines: 1 hart: the threads share it "
			"(pinning each to a hart of its own needs 2)\n");
	cl_done = 0;
	for (int t = 0; t < CL_THREADS; t++)
		KT_ASSERT(kthread_start_on("cl", cl_thread, (void *)(uintptr_t)t,
					   pin ? t % ncpu_online : -1) > 0);
	for (int i = 0; i < 3000 && cl_done < CL_THREADS; i++)
		proc_sleep_ms(10);
	KT_EQ(cl_done, CL_THREADS);
}
