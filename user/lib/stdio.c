/* Buffered console output: printf, putchar, puts, and exit's flush. */
#include <rvos.h>

#define STDOUT_BUF 256   /* bytes held before a forced flush */

static struct {
	char buf[STDOUT_BUF];
	size_t len;
} out;

/* Write out everything buffered; output the console refuses is dropped. */
void stdout_flush(void)
{
	size_t done = 0;

	while (done < out.len) {
		long n = console_write(out.buf + done, out.len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	out.len = 0;
}

int putchar(int c)
{
	out.buf[out.len++] = (char)c;
	if (c == '\n' || out.len == sizeof(out.buf))
		stdout_flush();
	return (unsigned char)c;
}

int puts(const char *s)
{
	while (*s)
		putchar(*s++);
	putchar('\n');
	return 0;
}

/* fmt_vprint's output callback. */
static void stdout_putc(char c, void *arg)
{
	(void)arg;
	putchar(c);
}

int vprintf(const char *fmt, va_list ap)
{
	return fmt_vprint(stdout_putc, NULL, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void exit(int code)
{
	stdout_flush();
	_exit(code);
}
