/* printf-style formatting core.
 *
 * The one formatter in rvos: kprintf, snprintf and user space's printf
 * all go through fmt_vprint (lib/format.c). It has no kernel dependencies,
 * so the kernel and the user library each compile it (lib/string.h).
 *
 * Conversions: %d %i %u %x %X %p %s %c %%; length modifiers l, ll, z;
 * flags '-' (left-justify) and '0' (zero pad); a decimal field width or
 * '*'; a precision for %s ("%.4s").
 */
#ifndef RVOS_LIB_FORMAT_H
#define RVOS_LIB_FORMAT_H

#include <stddef.h>
#include <stdarg.h>

/* Called for each output character. */
typedef void (*fmt_putc_fn)(char c, void *arg);

/* Format into putc; returns the number of characters produced. */
int fmt_vprint(fmt_putc_fn putc, void *arg, const char *fmt, va_list ap);

/* Format into buf (always NUL-terminated when n > 0); returns the length
 * the full output would have had. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
