/* Kernel command line: space-separated words "key" or "key=value", and
 * the comma-separated lists some values hold ("ktest=a,b",
 * "reclaim_log=shell,leak"). Every bootarg is parsed here. */
#include <kernel/bootargs.h>
#include <kernel/fdt.h>
#include <lib/string.h>

bool bootarg(const char *key, char *val, size_t n)
{
	size_t klen = strlen(key);
	const char *p = platform.bootargs;

	while (*p) {
		while (bootargs_space(*p))
			p++;
		const char *w = p;
		while (*p && !bootargs_space(*p))
			p++;
		size_t wlen = p - w;
		if (wlen < klen || strncmp(w, key, klen) != 0)
			continue;
		if (wlen == klen) {
			if (val && n)
				val[0] = '\0';
			return true;
		}
		if (w[klen] == '=') {
			if (val && n) {
				size_t vlen = MIN(wlen - klen - 1, n - 1);
				memcpy(val, w + klen + 1, vlen);
				val[vlen] = '\0';
			}
			return true;
		}
	}
	return false;
}

/* Step over one word of a comma-separated list: its start, with *len
 * its length (0 for the empty word of "a,,b"); NULL at the end. */
const char *bootarg_list_next(const char **list, size_t *len)
{
	const char *p = *list;
	if (!*p)
		return NULL;
	const char *end = strchr(p, ',');
	*len = end ? (size_t)(end - p) : strlen(p);
	*list = p + *len + (end ? 1 : 0);
	return p;
}

/* Is name one of the words of the comma-separated list? */
bool bootarg_list_has(const char *list, const char *name)
{
	size_t n = strlen(name), len;
	for (const char *w; (w = bootarg_list_next(&list, &len));)
		if (len == n && !strncmp(w, name, n))
			return true;
	return false;
}

static char reclaim_log[BOOTARGS_MAX];  /* bootarg "reclaim_log[=names]" */
static bool reclaim_log_on;

/* Read bootarg reclaim_log once, at boot (proc_init). */
void bootarg_reclaim_log_init(void)
{
	reclaim_log_on = bootarg("reclaim_log", reclaim_log, sizeof(reclaim_log));
}

/* Does bootarg reclaim_log select program name? Bare: every program. */
bool bootarg_reclaim_log(const char *name)
{
	if (!reclaim_log_on)
		return false;
	return !reclaim_log[0] || bootarg_list_has(reclaim_log, name);
}

/* key=N, N decimal digits only, min <= N <= max: 1 and *out = N; 0 if
 * key is absent; -1 if its value is not such a number (*out untouched). */
int bootarg_num(const char *key, unsigned long min, unsigned long max, unsigned long *out)
{
	char val[24];
	unsigned long v = 0;

	if (!bootarg(key, val, sizeof(val)))
		return 0;
	if (!val[0] || strlen(val) > 19)
		return -1;
	for (const char *c = val; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 1;
}
