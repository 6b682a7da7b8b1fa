/* leak: take pages (sbrk), heap (malloc) and channels, some with
 * messages and handles still queued, and exit without giving any back.
 * The kernel must reclaim it all: compare `mem -r` before and after.
 * `leak N` takes N times as much (default 1). */
#include <rvos.h>

/* Take memory and channels, report, and exit holding them. */
int main(int argc, char **argv)
{
	long times = 1;
	if (argc > 1 && parse_num(argv[1], 1, 8, &times) < 0) {
		printf("usage: leak [1..8]\n");
		return 2;
	}
	long pages = 16 * times;
	long brk = sbrk(pages * USER_PAGE_SIZE);
	if (brk < 0)
		printf("leak: sbrk: %s\n", errstr((int)brk));
	else
		memset((void *)brk, 0xab, pages * USER_PAGE_SIZE);  /* touch them */

	long blocks = 0;
	for (long i = 0; i < 32 * times; i++) {
		char *p = malloc(256);
		if (!p)
			break;
		memset(p, i, 256);
		blocks++;
	}

	int chans = 0, queued = 0;
	char msg[200];
	memset(msg, 'L', sizeof(msg));
	for (int i = 0; i < 4; i++) {
		int a, b, x, y;
		if (chan_create(&a, &b) < 0)
			break;
		chans++;
		for (int j = 0; j < 3; j++)
			if (chan_send(a, msg, sizeof(msg), NULL, 0, CHAN_NONBLOCK) == 0)
				queued++;
		/* a channel in flight, itself holding a message */
		if (chan_create(&x, &y) == 0) {
			chans++;
			chan_send(y, msg, 10, NULL, 0, CHAN_NONBLOCK);
			if (chan_send(a, "h", 1, &x, 1, CHAN_NONBLOCK) == 0)
				queued++;
		}
	}
	int sys = svc_lookup("sysinfo");
	printf("leak: %ld pages, %ld heap blocks, %d channels, %d messages queued%s; exiting\n",
	       pages, blocks, chans, queued, sys > 0 ? ", a sysinfo channel" : "");
	return 0;
}
