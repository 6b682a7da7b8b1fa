/* printf-style formatting: the one formatter for kernel and user space. */
#include <stdint.h>
#include <stdbool.h>
#include <lib/format.h>

struct spec {
	bool left;        /* '-' */
	bool zero;        /* '0' */
	int width;
	int prec;         /* -1: none */
};

/* Emit s[0..len) padded to the spec's width. */
static int emit(fmt_putc_fn putc, void *arg, const struct spec *sp,
		const char *s, int len, char pad)
{
	int n = 0;
	int fill = sp->width > len ? sp->width - len : 0;

	if (!sp->left)
		for (; fill > 0; fill--, n++)
			putc(pad, arg);
	for (int i = 0; i < len; i++, n++)
		putc(s[i], arg);
	for (; fill > 0; fill--, n++)
		putc(' ', arg);
	return n;
}

/* Emit an integer in base 10 or 16, with sign and zero padding. */
static int emit_num(fmt_putc_fn putc, void *arg, struct spec *sp,
		    unsigned long long v, bool neg, int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int i = sizeof(buf);
	int n = 0;

	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (sp->zero && !sp->left) {
			/* sign goes before the zeros */
			putc('-', arg);
			n++;
			if (sp->width > 0)
				sp->width--;
		} else {
			buf[--i] = '-';
		}
	}
	return n + emit(putc, arg, sp, buf + i, sizeof(buf) - i,
			sp->zero && !sp->left ? '0' : ' ');
}

int fmt_vprint(fmt_putc_fn putc, void *arg, const char *fmt, va_list ap)
{
	int n = 0;

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc(*fmt, arg);
			n++;
			continue;
		}
		struct spec sp = { false, false, 0, -1 };
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			sp.width = sp.width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			sp.prec = 0;
			for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
				sp.prec = sp.prec * 10 + (*fmt - '0');
		}
		int lng = 0;
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;

		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long) : va_arg(ap, int);
			unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v
						     : (unsigned long long)v;
			n += emit_num(putc, arg, &sp, u, v < 0, 10, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long long v = lng ? va_arg(ap, unsigned long)
						   : va_arg(ap, unsigned int);
			n += emit_num(putc, arg, &sp, v, false,
				      *fmt == 'u' ? 10 : 16, *fmt == 'X');
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);
			putc('0', arg);
			putc('x', arg);
			n += 2;
			if (sp.width >= 2)
				sp.width -= 2;
			n += emit_num(putc, arg, &sp, v, false, 16, false);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = 0;
			while (s[len] && (sp.prec < 0 || len < sp.prec))
				len++;
			n += emit(putc, arg, &sp, s, len, ' ');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			n += emit(putc, arg, &sp, &c, 1, ' ');
			break;
		}
		case '%':
			putc('%', arg);
			n++;
			break;
		case '\0':
			return n;
		default:
			/* unknown conversion: show it as written */
			putc('%', arg);
			putc(*fmt, arg);
			n += 2;
			break;
		}
	}
	return n;
}

struct sbuf {
	char *buf;
	size_t n;     /* capacity */
	size_t len;   /* characters produced so far */
};

/* Append one character to a bounded buffer, counting what did not fit. */
static void sbuf_putc(char c, void *arg)
{
	struct sbuf *b = arg;
	if (b->len + 1 < b->n)
		b->buf[b->len] = c;
	b->len++;
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct sbuf b = { buf, n, 0 };
	fmt_vprint(sbuf_putc, &b, fmt, ap);
	if (n > 0)
		buf[b.len < n ? b.len : n - 1] = '\0';
	return (int)b.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
