/* Memory and string functions for freestanding code (kernel and user). */
#include <stdint.h>
#include <lib/string.h>

/* Bytes up to an 8-byte boundary, then 8-byte stores (four at a time:
 * zeroing a page is the kernel's most common memset), then the tail. */
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	uint64_t w = 0x0101010101010101ULL * (unsigned char)c;

	for (; n && ((uintptr_t)p & 7); n--)
		*p++ = (unsigned char)c;
	uint64_t *q = (uint64_t *)p;
	for (; n >= 32; n -= 32, q += 4) {
		q[0] = w;
		q[1] = w;
		q[2] = w;
		q[3] = w;
	}
	for (; n >= 8; n -= 8)
		*q++ = w;
	p = (unsigned char *)q;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

/* Copy n bytes upward (start first): whole 8-byte words when d and s can
 * be aligned alike, four at a time, bytes at the ends. */
static void copy_up(unsigned char *dp, const unsigned char *sp, size_t n)
{
	if ((((uintptr_t)dp ^ (uintptr_t)sp) & 7) == 0) {
		for (; n && ((uintptr_t)dp & 7); n--)
			*dp++ = *sp++;
		for (; n >= 32; n -= 32, dp += 32, sp += 32) {
			const uint64_t *s8 = (const uint64_t *)sp;
			uint64_t *d8 = (uint64_t *)dp;
			uint64_t a = s8[0], b = s8[1], c = s8[2], e = s8[3];
			d8[0] = a;
			d8[1] = b;
			d8[2] = c;
			d8[3] = e;
		}
		for (; n >= 8; n -= 8, dp += 8, sp += 8)
			*(uint64_t *)dp = *(const uint64_t *)sp;
	}
	while (n--)
		*dp++ = *sp++;
}

/* Copy n bytes downward (end first), for an overlap with d above s. */
static void copy_down(unsigned char *dp, const unsigned char *sp, size_t n)
{
	dp += n;
	sp += n;
	if ((((uintptr_t)dp ^ (uintptr_t)sp) & 7) == 0) {
		for (; n && ((uintptr_t)dp & 7); n--)
			*--dp = *--sp;
		for (; n >= 8; n -= 8) {
			dp -= 8;
			sp -= 8;
			*(uint64_t *)dp = *(const uint64_t *)sp;
		}
	}
	while (n--)
		*--dp = *--sp;
}

void *memcpy(void *d, const void *s, size_t n)
{
	copy_up(d, s, n);
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp == sp || n == 0)
		return d;
	if (dp < sp || dp >= sp + n)
		copy_up(dp, sp, n);     /* no overlap that an upward copy would spoil */
	else
		copy_down(dp, sp, n);
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c == 0 ? (char *)s : NULL;
}
