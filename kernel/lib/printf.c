/* kprintf: formatted console output, one whole call at a time.
 *
 * print_lock keeps the output of concurrent callers from interleaving.
 * Once the kernel panics, the lock is ignored so the report always gets
 * out, even if the panicking hart held it.
 */
#include <kernel/printf.h>
#include <lib/format.h>
#include <kernel/spinlock.h>
#include <kernel/dev.h>
#include <kernel/panic.h>

static struct spinlock print_lock = SPINLOCK_INIT("print");
volatile uint32_t panicking;

static void put(char c, void *arg)
{
	(void)arg;
	console_putc(c);
}

int vkprintf(const char *fmt, va_list ap)
{
	panic_check();      /* another hart's panic: stop here, print nothing */
	bool lock = !panicking;
	if (lock)
		spin_lock(&print_lock);
	int n = fmt_vprint(put, NULL, fmt, ap);
	if (lock)
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

/* Write n raw bytes as one piece of output (user console writes). */
void kputs_n(const char *s, size_t n)
{
	panic_check();
	spin_lock(&print_lock);
	console_write(s, n);
	spin_unlock(&print_lock);
}
