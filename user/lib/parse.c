/* Parsing numbers: the strict parse_num every program uses for its
 * arguments, and C's strtol and atoi for code that wants their laxness. */
#include <rvos.h>

#define LONG_MAX_U  ((unsigned long)-1 >> 1)

/* Value of digit c in base, or -1. */
static int digit(char c, int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'z')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'Z')
		v = c - 'A' + 10;
	else
		return -1;
	return v < base ? v : -1;
}

/* strtol, also telling whether the value was out of range. */
static long parse(const char *s, char **end, int base, bool *range)
{
	const char *start = s;
	unsigned long v = 0, limit;
	bool neg = false, any = false;
	int d;

	*range = false;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') && digit(s[2], 16) >= 0) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		if (end)
			*end = (char *)start;
		return 0;
	}
	limit = neg ? LONG_MAX_U + 1 : LONG_MAX_U;
	for (; (d = digit(*s, base)) >= 0; s++) {
		any = true;
		if (v > (limit - (unsigned long)d) / (unsigned long)base)
			*range = true;
		else
			v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)(any ? s : start);
	if (*range)
		v = limit;
	return neg ? (long)(0 - v) : (long)v;
}

long strtol(const char *s, char **end, int base)
{
	bool range;
	return parse(s, end, base, &range);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

int parse_num(const char *s, long min, long max, long *out)
{
	unsigned long v = 0, limit = LONG_MAX_U;
	bool neg = *s == '-';

	if (neg) {
		s++;
		limit = LONG_MAX_U + 1;
	}
	if (!*s)
		return -EINVAL;              /* empty, or a bare sign */
	bool range = false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;      /* junk, spaces, a second sign */
		unsigned long d = (unsigned long)(*s - '0');
		if (v > (limit - d) / 10)
			range = true;        /* keep going: junk still wins */
		else
			v = v * 10 + d;
	}
	if (range)
		return -ERANGE;
	long n = neg ? (long)(0 - v) : (long)v;
	if (n < min || n > max)
		return -ERANGE;
	*out = n;
	return 0;
}

int parse_long(const char *s, long *out)
{
	return parse_num(s, -(long)LONG_MAX_U - 1, (long)LONG_MAX_U, out);
}
