/* strlcpy, on its own: the kernel and user space get it with the rest
 * of lib/, and the host tests link it alone, as the host's libc (glibc
 * before 2.38) has none and lib/string.c's memcpy and strlen must not
 * replace the libc's under the sanitizers. */
#include <lib/string.h>

/* Copy s into d of n bytes, always terminated when n > 0; the length
 * of s (a result >= n means it was cut). */
size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);
	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(d, s, k);
		d[k] = '\0';
	}
	return len;
}
