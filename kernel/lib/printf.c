/* kprintf: formatted console output, whole lines at a time.
 *
 * print_lock keeps the output of concurrent callers from interleaving
 * within one call. A line built from several calls is kept whole too:
 * a call that leaves a line unfinished makes its context (the process
 * running, or the hart outside any) the line's owner, and output from
 * any other context waits until the owner ends the line, for a bounded
 * time (print_begin): a context that never ends its line slows the
 * others, it does not stop them. Once the kernel panics, nothing waits
 * and the lock is ignored so the report always gets out, even if the
 * panicking hart held it. docs/smp.md, "Console output".
 */
#include <kernel/printf.h>
#include <lib/format.h>
#include <kernel/spinlock.h>
#include <kernel/cpu.h>
#include <kernel/proc.h>
#include <kernel/riscv.h>
#include <kernel/timer.h>
#include <kernel/dev.h>
#include <kernel/panic.h>

/* How long output waits for another context's line to end: when the
 * waiter can sleep, long enough for a preempted owner to get a hart back
 * (a few 10 ms ticks) and for a busy host to stall the QEMU thread of the
 * owner's hart a while; when it cannot, only an owner running on
 * another hart can end the line, within microseconds. */
#define LINE_WAIT_MS   200
#define LINE_SPIN_MS   1

static struct spinlock print_lock = SPINLOCK_INIT("print", LOCK_RANK_PRINT);
volatile uint32_t panicking;

/* Guarded by print_lock: the context whose line is unfinished (NULL:
 * the console is at the start of a line or a user's output), the one
 * that ended the last line, the contexts waiting for their turn, and
 * the last character kprintf printed. */
static const void *line_owner, *line_last;
static int line_waiters;
static char last_put;

static void put(char c, void *arg)
{
	(void)arg;
	last_put = c;
	console_putc(c);
}

/* Who prints: the process on this hart, or the hart itself. Caller has
 * interrupts off. */
static const void *print_ctx(void)
{
	struct cpu *c = this_cpu();
	return c->proc ? (const void *)c->proc : (const void *)c;
}

/* May the caller sleep while it waits: a process with interrupts on (so
 * holding no lock, and not in an interrupt handler)? */
static bool print_can_sleep(void)
{
	return intr_get() && proc_current();   /* one load: no push_off needed */
}

/* May ctx (waiting already or not) print now? Not inside another's
 * line; and a context that just ended a line and can sleep lets the
 * others waiting go first, or a thread printing line after line would
 * keep the console from threads that sleep while they wait (one that
 * cannot sleep would only spin meanwhile). Caller holds print_lock. */
static bool print_turn(const void *ctx, bool can_sleep, bool waiting)
{
	if (line_owner)
		return line_owner == ctx;
	return line_last != ctx || !can_sleep || line_waiters <= (waiting ? 1 : 0);
}

/* Take print_lock when it is the caller's turn (print_turn), or once it
 * waited long enough: then it ends the other's line itself, so its own
 * output starts a line of its own. Waits sleeping a tick at a time when
 * it may: a waiter that yielded instead, busy on an otherwise idle hart,
 * kept the owner's hart from running (lines broke at 4 harts on a busy
 * host). Returns the caller's context. */
static const void *print_begin(void)
{
	bool sleep_ok = print_can_sleep();
	uint64_t limit = timer_timebase() / 1000 *
			 (sleep_ok ? LINE_WAIT_MS : LINE_SPIN_MS);
	uint64_t start = rdtime();
	bool waiting = false;

	spin_lock(&print_lock);
	const void *me = print_ctx();   /* a process stays itself across sleep */
	while (!print_turn(me, sleep_ok, waiting)) {
		if (!waiting) {
			waiting = true;
			line_waiters++;
		}
		if (rdtime() - start > limit) {
			if (line_owner)
				console_putc('\n');
			line_owner = NULL;
			break;
		}
		spin_unlock(&print_lock);
		if (sleep_ok)
			proc_sleep_ms(1);
		panic_check();   /* the owner may have stopped for a panic */
		spin_lock(&print_lock);
	}
	if (waiting)
		line_waiters--;
	return me;
}

/* Output by me is done: is its line still open? Caller holds print_lock. */
static void print_end(const void *me, bool line_open)
{
	line_owner = line_open ? me : NULL;
	if (!line_open)
		line_last = me;
}

int vkprintf(const char *fmt, va_list ap)
{
	panic_check();      /* another hart's panic: stop here, print nothing */
	if (panicking)
		return fmt_vprint(put, NULL, fmt, ap);
	const void *me = print_begin();
	int n = fmt_vprint(put, NULL, fmt, ap);
	if (n > 0)
		print_end(me, last_put != '\n');
	spin_unlock(&print_lock);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* Write n raw bytes as one piece of output (user console writes). It
 * waits for a kernel line like kprintf, but leaves no owner: a user's
 * unfinished line (the shell's prompt) must not hold kernel output. */
void kputs_n(const char *s, size_t n)
{
	panic_check();
	const void *me = print_begin();
	console_write(s, n);
	print_end(me, false);
	spin_unlock(&print_lock);
}
