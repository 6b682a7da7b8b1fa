/* hog [PAGES]: take PAGES pages (default 1000) with sbrk, touch each,
 * and exit without giving any back: the kernel must reclaim them all.
 * "hog max" takes pages until the kernel refuses, then exits. */
#include <rvos.h>

/* More pages than the user window holds can never be had. */
#define HOG_PAGES_MAX ((long)((USER_END - USER_BASE) / USER_PAGE_SIZE))

int main(int argc, char **argv)
{
	long want = 1000;
	bool max = argc > 1 && !strcmp(argv[1], "max");
	if (argc > 1 && !max && parse_num(argv[1], 0, HOG_PAGES_MAX, &want) < 0) {
		printf("usage: hog [PAGES|max]\n");
		return 2;
	}
	long got = 0;
	while (max || got < want) {
		long r = sbrk(USER_PAGE_SIZE);
		if (r < 0) {
			if (!max) {
				printf("hog: sbrk failed after %ld pages: %s\n", got, errstr((int)r));
				return 1;
			}
			printf("hog: refused after %ld pages: %s\n", got, errstr((int)r));
			break;
		}
		*(volatile long *)r = got;    /* touch it */
		got++;
	}
	printf("hog: holding %ld pages, exiting without freeing them\n", got);
	return 0;
}
