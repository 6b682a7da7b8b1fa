/* Kernel command line (/chosen bootargs, QEMU -append). */
#ifndef RVOS_KERNEL_BOOTARGS_H
#define RVOS_KERNEL_BOOTARGS_H

#include <kernel/types.h>

/* Words are separated by any white space (space, tab, newline, CR). */
static inline bool bootargs_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Is the word key present, as "key" or "key=value"? If so and val is
 * not NULL, copy the value ("" for a bare key) into val[0..n). */
bool bootarg(const char *key, char *val, size_t n);

/* Comma-separated lists in a value: the next word of *list (its length
 * in *len, 0 for the empty word of "a,,b"; *list moves past it), or NULL
 * at the end; and whether name is one of its words. */
const char *bootarg_list_next(const char **list, size_t *len);
bool bootarg_list_has(const char *list, const char *name);

/* key=N with N decimal in [min, max]: 1 (and *out), 0 if key is absent,
 * -1 if its value is anything else. */
int bootarg_num(const char *key, unsigned long min, unsigned long max, unsigned long *out);

/* reclaim_log[=NAME,...]: read once at boot; then, does it select the
 * program name (bare: every program)? proc_free prints their reclaim. */
void bootarg_reclaim_log_init(void);
bool bootarg_reclaim_log(const char *name);

#endif
