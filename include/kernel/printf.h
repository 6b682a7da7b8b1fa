/* Kernel console output and panic. */
#ifndef RVOS_KERNEL_PRINTF_H
#define RVOS_KERNEL_PRINTF_H

#include <kernel/types.h>

/* Print to the console. Conversions: %d %i %u %x %X %p %s %c %%, with
 * the l/ll/z length modifiers, a field width, '-' and '0' flags. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char *fmt, va_list ap);
void kputs_n(const char *s, size_t n);   /* raw bytes, one piece */

/* Print cause, registers and a backtrace, then stop QEMU with a failure
 * status. For the kernel's own bugs only: bad input is an error return. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Panic unless the condition holds. */
#define KASSERT(c) \
	do { if (!(c)) panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__); } while (0)

#endif
