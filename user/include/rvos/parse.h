/* Parsing numbers from text (user/lib/parse.c). */
#ifndef RVOS_USER_PARSE_H
#define RVOS_USER_PARSE_H

/* C-style: skip leading spaces, optional sign, digits in base (2..36, or
 * 0 for "0x" hex, "0" octal, else decimal); *end (if end is not NULL)
 * points past the last digit used. Out-of-range values clamp to
 * LONG_MAX or LONG_MIN. */
long strtol(const char *s, char **end, int base);
int  atoi(const char *s);

/* Strict: s must be exactly one number (base as strtol's 0). Stores it
 * in *out and returns 0, or returns -EINVAL (not a number) or -ERANGE. */
int  parse_long(const char *s, long *out);

#endif
