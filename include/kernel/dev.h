/* Platform devices: UART console, PLIC, power/exit device. */
#ifndef RVOS_KERNEL_DEV_H
#define RVOS_KERNEL_DEV_H

#include <kernel/types.h>

/* ns16550a UART (uart.c) */
void uart_init(uintptr_t base, uint32_t shift);
void uart_putc(char c);          /* polled */
int  uart_getc(void);            /* -1 when nothing is waiting */
void uart_rx_irq(bool on);      /* receive interrupt on/off */
bool uart_ready(void);

/* Console (console.c): output to the UART (or SBI before it is up),
 * input from the UART interrupt (or the tick's poll) into a ring buffer
 * that never drops a byte: when it is full the UART holds input back. */
#define CONSOLE_RX_SIZE 256
void console_putc(char c);
void console_write(const char *s, size_t n);
void console_rx_start(bool use_irq);   /* interrupt-driven, or polled */
void console_intr(void);         /* UART interrupt: drain into the ring */
void console_poll(void);         /* timer tick: the same when polled */
int  console_getc(void);         /* next input character, -1 if none */
bool console_take(char c);       /* drop the first unread c before a line end */
extern const char console_chan;      /* console readers sleep on it */

/* PLIC (plic.c) */
void plic_init(uintptr_t base, int context, uint32_t ndev);
bool plic_enable(uint32_t irq);        /* false: no such source */
uint32_t plic_claim(void);
void plic_complete(uint32_t irq);

/* Power (power.c): leave QEMU with a status. */
void power_init(uintptr_t test_base, uintptr_t htif_base);
void power_off(void) __attribute__((noreturn));          /* status 0 */
void power_fail(int code) __attribute__((noreturn));     /* non-zero status */

#endif
