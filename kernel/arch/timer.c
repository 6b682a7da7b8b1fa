/* Timer interrupts: TICK_HZ ticks per second on each hart. */
#include <kernel/timer.h>
#include <kernel/param.h>
#include <kernel/riscv.h>
#include <kernel/sbi.h>
#include <kernel/cpu.h>
#include <kernel/dev.h>

static uint64_t timebase;        /* time CSR frequency, Hz */
static uint64_t interval;        /* time units per tick */
static volatile uint64_t ticks;  /* boot hart's ticks: the system clock */

/* Learn the clock's rate and start ticking on the boot hart. */
void timer_init(uint64_t timebase_hz)
{
	timebase = timebase_hz;
	interval = timebase_hz / TICK_HZ;
	timer_start_hart();
}

/* Arm this hart's first tick and enable its timer interrupts: every
 * hart preempts on its own tick; only the boot hart's counts time. */
void timer_start_hart(void)
{
	sbi_set_timer(rdtime() + interval);
	csr_set(sie, SIE_STIE);
}

/* One tick: count it, poll the console if it is polled, arm the next. */
void timer_tick(void)
{
	struct cpu *c = this_cpu();
	c->ticks++;
	if (c == &cpus[0]) {
		__atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
		console_poll();          /* input, when no interrupt brings it */
	}
	sbi_set_timer(rdtime() + interval);
}

uint64_t timer_ticks(void)    { return ticks; }
uint64_t timer_timebase(void) { return timebase; }

uint64_t timer_ms(void)
{
	return timebase ? rdtime() * 1000 / timebase : 0;
}
