/* Console input and output for user programs.
 *
 * Output is buffered and flushed at each newline, when the buffer fills,
 * before blocking for input, and at exit. Formatting is the kernel's
 * own formatter (lib/format.c), so conversions are those listed
 * in <lib/format.h>.
 */
#ifndef RVOS_USER_STDIO_H
#define RVOS_USER_STDIO_H

#include <stddef.h>
#include <stdarg.h>
#include <lib/format.h>   /* snprintf, vsnprintf */

int printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int putchar(int c);
int puts(const char *s);          /* s and a newline */
void stdout_flush(void);

/* Flush stdout and end the process with code. main's return calls this. */
void exit(int code) __attribute__((noreturn));

/* Next input byte, or -1 if the console cannot be read. */
int getchar(void);

/* Read one line into buf (at most size - 1 characters and a NUL),
 * echoing it and handling backspace; the newline is not stored.
 * Returns the length, or -1 at end of input (Ctrl-D on an empty line). */
int readline(char *buf, size_t size);

#endif
