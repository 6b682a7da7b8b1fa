/* mem -D [SPEC]: the kernel heap's debugging modes (docs/memory.md,
 * "Poison, redzones and guard pages"), shown and switched. */
#include "mem.h"

/* -D [SPEC]: switch the heap's debugging modes (syscall mmdebug: the
 * words of the bootarg mm_debug, "audit" or "audit=N" for the history of
 * the bootarg mm_audit, "-word" off) and say which are on. */
int mem_debug(int argc, char **argv)
{
	char spec[128] = "", now[64];
	size_t len = 0;

	for (int i = 2; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (len + n + 2 > sizeof(spec)) {
			printf("mem -D: spec too long\n");
			return 2;
		}
		if (len)
			spec[len++] = ',';
		memcpy(spec + len, argv[i], n + 1);
		len += n;
	}
	long r = mmdebug(spec, now, sizeof(now));
	if (r < 0) {
		printf("mem -D: %s: %s\n", spec, r == -EINVAL ?
		       "unknown word or tag (audit, audit=N, poison, redzone, guard=TAG,\n"
		       "  guard=1/N, -WORD)" :
		       errstr((int)r));
		return 1;
	}
	printf("mm_debug: %s\n", now);
	return 0;
}
