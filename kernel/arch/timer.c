/* Timer interrupts: TICK_HZ ticks per second on each hart. */
#include <kernel/timer.h>
#include <kernel/param.h>
#include <kernel/riscv.h>
#include <kernel/sbi.h>
#include <kernel/cpu.h>
#include <kernel/dev.h>

static uint64_t timebase;        /* time CSR frequency, Hz */
static uint64_t interval;        /* time units per tick */
static uint64_t epoch;           /* time CSR at timer_init */
static volatile uint64_t ticks;  /* timer_ticks() at the boot hart's last
				  * tick: for gdb (tools/gdb/rvos_proc.py) */

/* Learn the clock's rate and start ticking on the boot hart. */
void timer_init(uint64_t timebase_hz)
{
	timebase = timebase_hz;
	interval = timebase_hz / TICK_HZ;
	epoch = rdtime();
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
		ticks = timer_ticks();
		console_poll();          /* input, when no interrupt brings it */
	}
	sbi_set_timer(rdtime() + interval);
}

/* Ticks since timer_init, read off the time CSR rather than counted:
 * a tick interrupt taken late (a busy host, a hart with interrupts off
 * for a while) is time lost for good if counted, and sleeps would run
 * long by it (seen at 8 harts: sleep 3000 took 4.5 s). */
uint64_t timer_ticks(void)
{
	return interval ? (rdtime() - epoch) / interval : 0;
}
uint64_t timer_timebase(void) { return timebase; }

uint64_t timer_ms(void)
{
	return timebase ? rdtime() * 1000 / timebase : 0;
}
