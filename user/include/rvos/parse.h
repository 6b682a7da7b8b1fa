/* Parsing numbers from text (user/lib/parse.c). */
#ifndef RVOS_USER_PARSE_H
#define RVOS_USER_PARSE_H

/* C-style and lax, not for arguments (it accepts junk after the number
 * and clamps): skip leading spaces, optional sign, digits in base (2..36,
 * or 0 for "0x" hex, "0" octal, else decimal); *end (if end is not NULL)
 * points past the last digit used. Out-of-range values clamp to
 * LONG_MAX or LONG_MIN. */
long strtol(const char *s, char **end, int base);
int  atoi(const char *s);

/* The number parser for arguments: s must be exactly one decimal
 * number, an optional '-' then digits, nothing before or after (no
 * spaces, no '+', no "0x"), whose value lies in [min, max]. Stores it in
 * *out and returns 0, or returns -EINVAL (empty, junk) or -ERANGE (out
 * of [min, max], including values too big for a long); *out is then
 * untouched. Every program parses its numbers with it. */
int  parse_num(const char *s, long min, long max, long *out);

/* parse_num over the whole range of a long. */
int  parse_long(const char *s, long *out);

#endif
