/* ns16550a UART driver: polled transmit, interrupt-driven receive. */
#include <kernel/dev.h>

#define RBR 0   /* receive buffer (read) */
#define THR 0   /* transmit holding (write) */
#define IER 1   /* interrupt enable */
#define FCR 2   /* FIFO control (write) */
#define LCR 3   /* line control */
#define LSR 5   /* line status */

#define IER_RX     0x01
#define FCR_ENABLE 0x05   /* enable FIFOs, clear the transmit one only */
#define LCR_8N1    0x03
#define LSR_DR     0x01   /* data ready */
#define LSR_THRE   0x20   /* transmit holding register empty */

static volatile uint8_t *uart_base;
static uint32_t uart_shift;

static inline uint8_t reg_read(int r)            { return uart_base[r << uart_shift]; }
static inline void    reg_write(int r, uint8_t v) { uart_base[r << uart_shift] = v; }

/* Set the UART up at base (registers 1 << shift bytes apart). The
 * receive FIFO is kept: it may hold keys typed during the boot (a
 * 16550 clears it only when the FIFO enable bit changes, and the
 * firmware has set that bit already). */
void uart_init(uintptr_t base, uint32_t shift)
{
	uart_base = (volatile uint8_t *)base;
	uart_shift = shift;
	reg_write(IER, 0);
	reg_write(LCR, LCR_8N1);
	reg_write(FCR, FCR_ENABLE);
}

bool uart_ready(void) { return uart_base != NULL; }

/* Let the UART interrupt on received data, or stop it. */
void uart_rx_irq(bool on) { reg_write(IER, on ? IER_RX : 0); }

/* Send one byte, waiting for room. */
void uart_putc(char c)
{
	while (!(reg_read(LSR) & LSR_THRE))
		;
	reg_write(THR, (uint8_t)c);
}

/* Take one received byte, or -1. */
int uart_getc(void)
{
	if (reg_read(LSR) & LSR_DR)
		return reg_read(RBR);
	return -1;
}
