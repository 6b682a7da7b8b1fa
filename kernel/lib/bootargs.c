/* Kernel command line lookup: space-separated words "key" or "key=value". */
#include <kernel/bootargs.h>
#include <kernel/fdt.h>
#include <lib/string.h>

bool bootarg(const char *key, char *val, size_t n)
{
	size_t klen = strlen(key);
	const char *p = platform.bootargs;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
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
