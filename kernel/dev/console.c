/* Console: output through the UART, input buffered from its interrupt.
 *
 * Input is a ring of CONSOLE_RX_SIZE bytes filled by console_intr() and
 * drained by console_getc(); when it is full new bytes are dropped and
 * counted. Both sides hold rx_lock.
 */
#include <kernel/dev.h>
#include <kernel/sbi.h>
#include <kernel/spinlock.h>
#include <kernel/proc.h>

static struct spinlock rx_lock = SPINLOCK_INIT("console_rx");
static char rx_buf[CONSOLE_RX_SIZE];
static uint32_t rx_head, rx_tail;     /* read at head, write at tail */
static uint64_t rx_dropped;
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

/* UART receive interrupt: move every waiting byte into the ring. */
void console_intr(void)
{
	int c;
	spin_lock(&rx_lock);
	while ((c = uart_getc()) >= 0) {
		if (rx_tail - rx_head == CONSOLE_RX_SIZE) {
			rx_dropped++;
			continue;
		}
		rx_buf[rx_tail++ % CONSOLE_RX_SIZE] = (char)c;
	}
	spin_unlock(&rx_lock);
	wakeup(&console_chan);   /* after rx_lock: the order is proc_lock -> rx_lock */
}

/* Next buffered input character, or -1 when the ring is empty. */
int console_getc(void)
{
	int c = -1;
	spin_lock(&rx_lock);
	if (rx_head != rx_tail)
		c = (unsigned char)rx_buf[rx_head++ % CONSOLE_RX_SIZE];
	spin_unlock(&rx_lock);
	return c;
}

uint64_t console_rx_dropped(void)
{
	return rx_dropped;
}
