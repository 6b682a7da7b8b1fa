/* Console: output through the UART, input buffered from its interrupt.
 *
 * Input is a ring of CONSOLE_RX_SIZE bytes filled by console_intr() and
 * drained by console_getc(). Input is never dropped: when the ring is
 * full the UART's receive interrupt is masked and bytes stay in the
 * UART (QEMU then holds the rest back); once a reader has emptied half
 * the ring it pulls the waiting bytes in and unmasks the interrupt.
 * Without an interrupt controller the timer tick polls instead
 * (console_poll), with the same rule: no room, no read. Both sides
 * hold rx_lock; lock order proc_lock -> rx_lock. A ^C typed while a job
 * has the console never enters the ring: job_intr_filter takes it and
 * job_intr_deliver kills the job (kernel/proc/job.c).
 */
#include <kernel/dev.h>
#include <kernel/sbi.h>
#include <kernel/spinlock.h>
#include <kernel/proc.h>
#include <kernel/job.h>

static struct spinlock rx_lock = SPINLOCK_INIT("console_rx", LOCK_RANK_CONSOLE_RX);
static char rx_buf[CONSOLE_RX_SIZE];
static uint32_t rx_head, rx_tail;     /* read at head, write at tail */
static bool rx_irq;                   /* input by interrupt (else polled) */
static bool rx_held;                  /* ring was full: irq masked */
const char console_chan;    /* readers sleep on it */

/* Print one character; "\n" becomes "\r\n" for terminals. */
void console_putc(char c)
{
	if (!uart_ready()) {
		if (c == '\n')
			sbi_console_putchar('\r');
		sbi_console_putchar(c);
		return;
	}
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		console_putc(s[i]);
}

/* Start taking input: by the UART interrupt if use_irq (the interrupt
 * controller routes it to us), else by console_poll from the tick. */
void console_rx_start(bool use_irq)
{
	rx_irq = use_irq;
	if (use_irq)
		uart_rx_irq(true);
}

/* Does the unread input hold a line end (a command line the shell has
 * not read yet)? Caller holds rx_lock. */
static bool rx_line_ahead_locked(void)
{
	for (uint32_t i = rx_head; i != rx_tail; i++) {
		char b = rx_buf[i % CONSOLE_RX_SIZE];
		if (b == '\r' || b == '\n')
			return true;
	}
	return false;
}

/* Move waiting bytes from the UART into the ring while it has room;
 * when it fills, mask the receive interrupt. Returns how many moved.
 * Caller holds rx_lock. */
static int console_fill_locked(void)
{
	int c, moved = 0;
	while (rx_tail - rx_head < CONSOLE_RX_SIZE && (c = uart_getc()) >= 0) {
		/* a ^C with no line end unread before it is for the job in
		 * front now; one behind a line end is for the job that line
		 * starts, so it waits in the ring, in order (job_set_fg) */
		if (!rx_line_ahead_locked() && job_intr_filter(c))
			continue;        /* ^C for the foreground job: not input */
		rx_buf[rx_tail++ % CONSOLE_RX_SIZE] = (char)c;
		moved++;
	}
	if (rx_tail - rx_head == CONSOLE_RX_SIZE && !rx_held) {
		rx_held = true;
		if (rx_irq)
			uart_rx_irq(false);
	}
	return moved;
}

/* UART receive interrupt: move waiting bytes into the ring, wake readers. */
void console_intr(void)
{
	spin_lock(&rx_lock);
	int moved = console_fill_locked();
	spin_unlock(&rx_lock);
	job_intr_deliver();      /* kill what a ^C above was for (proc_lock) */
	if (moved)
		wakeup(&console_chan);   /* after rx_lock: the order is proc_lock -> rx_lock */
}

/* Timer tick: without a usable interrupt controller, poll the UART. */
void console_poll(void)
{
	if (!rx_irq)
		console_intr();
}

/* Remove the first unread c that comes before any line end, keeping
 * the other bytes in order; true if there was one. Job control takes a
 * ^C typed right behind a job's command line, before the job had the
 * console, out of the input with it; a ^C behind a later line waits for
 * that line's job (kernel/proc/job.c). */
bool console_take(char c)
{
	bool found = false;
	spin_lock(&rx_lock);
	for (uint32_t i = rx_head; i != rx_tail; i++) {
		char b = rx_buf[i % CONSOLE_RX_SIZE];
		if (b == '\r' || b == '\n')
			break;           /* what follows is a later line's */
		if (b == c) {        /* close the gap, keeping the order */
			for (uint32_t j = i; j + 1 != rx_tail; j++)
				rx_buf[j % CONSOLE_RX_SIZE] = rx_buf[(j + 1) % CONSOLE_RX_SIZE];
			rx_tail--;
			found = true;
			break;
		}
	}
	spin_unlock(&rx_lock);
	return found;
}

/* Next buffered input character, or -1 when the ring is empty. A reader
 * that has made room in a held ring takes the waiting input in. */
int console_getc(void)
{
	int c = -1;
	spin_lock(&rx_lock);
	if (rx_head != rx_tail)
		c = (unsigned char)rx_buf[rx_head++ % CONSOLE_RX_SIZE];
	if (rx_held && rx_tail - rx_head <= CONSOLE_RX_SIZE / 2) {
		rx_held = false;
		console_fill_locked();
		if (rx_irq && !rx_held)
			uart_rx_irq(true);
	}
	spin_unlock(&rx_lock);
	return c;
}
