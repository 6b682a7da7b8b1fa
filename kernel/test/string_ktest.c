/* Tests of memcpy, memmove and memset at every alignment and overlap:
 * checked byte for byte against a plain loop. */
#include "ktest.h"
#include <lib/string.h>

static unsigned char buf[256], want[256];

/* Fill both buffers with the same recognisable pattern. */
static void fill(void)
{
	for (int i = 0; i < 256; i++)
		buf[i] = want[i] = (unsigned char)(i * 7 + 3);
}

KTEST(string_memmove_overlaps)
{
	for (int src = 0; src < 24; src++)
		for (int dst = 0; dst < 24; dst++)
			for (int n = 0; n < 80; n += 7) {
				fill();
				unsigned char tmp[80];
				for (int i = 0; i < n; i++)   /* the reference: via a copy */
					tmp[i] = want[src + i];
				for (int i = 0; i < n; i++)
					want[dst + i] = tmp[i];
				memmove(buf + dst, buf + src, n);
				KT_ASSERT(memcmp(buf, want, sizeof(buf)) == 0);
			}
}

KTEST(string_memcpy_and_memset_alignments)
{
	for (int off = 0; off < 16; off++)
		for (int n = 0; n < 100; n += 3) {
			fill();
			memcpy(buf + 128 + (off & 7), buf + off, n);
			for (int i = 0; i < n; i++)
				want[128 + (off & 7) + i] = want[off + i];
			KT_ASSERT(memcmp(buf, want, sizeof(buf)) == 0);
			memset(buf + off, 0xa5, n);
			for (int i = 0; i < n; i++)
				want[off + i] = 0xa5;
			KT_ASSERT(memcmp(buf, want, sizeof(buf)) == 0);
		}
}
