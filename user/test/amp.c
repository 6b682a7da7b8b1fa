/* amp [hold [x]]: try to hold more kernel heap than the IPC cap allows
 * through channels made by svc_lookup (ipc_cap_lookup.scn). A handle
 * slot is free again once its endpoint is sent away in a message, so a
 * process can make lookup channels without end, parking them 4 to a
 * 0-byte message in queues nested inside queues. Every lookup channel,
 * and the hello message that announces it, is charged to the process
 * that looked up (docs/ipc.md, "Limits per process"), so this stops with
 * -ENOMEM at the cap; a kernel that left them uncharged let it fill the
 * whole heap. "hold" keeps everything until killed; "x" closes the
 * client end of each lookup channel and parks only the service end. */
#include <rvos.h>

static char name[16];
static int L;

/* a fresh uncharged channel: *c client end, *s service end */
static int pair(int *c, int *s)
{
	struct chan_info in;
	struct svc_connect sc;
	int r = svc_lookup(name);
	if (r < 0)
		return r;
	*c = r;
	long n = chan_recv(L, &sc, sizeof(sc), &in, CHAN_NONBLOCK);
	if (n < 0)
		return (int)n;
	*s = in.handles[0];
	return 0;
}

int main(int argc, char **argv)
{
	int hold = argc > 1 && argv[1][0] == 'h';
	/* "x": keep one end of each lookup channel only (close the client end):
	 * 4 channels per charged message instead of 2 */
	int single = argc > 2 && argv[2][0] == 'x';
	long msgs = 0, chans = 0;
	int cc, cs, r = 0;

	snprintf(name, sizeof(name), "amp.%d", getpid());
	L = svc_register(name);
	if (L < 0) {
		printf("amp: register %d\n", L);
		return 1;
	}
	if ((r = pair(&cc, &cs)) < 0)
		goto out;
	chans++;
	for (;;) {
		int h[4];
		int inq = 0;
		/* fill the container cs (via cc) with 15 messages of 4 endpoints */
		while (inq < 15) {
			if (single) {
				for (int i = 0; i < 4; i++) {
					int c;
					if ((r = pair(&c, &h[i])) < 0) {
						while (i--)
							chan_close(h[i]);
						goto out;
					}
					chan_close(c);
				}
				chans += 4;
			} else {
				if ((r = pair(&h[0], &h[1])) < 0)
					goto out;
				if ((r = pair(&h[2], &h[3])) < 0)
					goto out;
				chans += 2;
			}
			r = chan_send(cc, "", 0, h, 4, CHAN_NONBLOCK);
			if (r < 0) {
				for (int i = 0; i < 4; i++)
					chan_close(h[i]);
				goto out;
			}
			msgs++;
			inq++;
		}
		/* a new container; the old full one goes into it (cc closed) */
		int nc, ns;
		if ((r = pair(&nc, &ns)) < 0)
			goto out;
		chans++;
		chan_close(cc);
		r = chan_send(nc, "", 0, &cs, 1, CHAN_NONBLOCK);
		if (r < 0)
			goto out;
		msgs++;
		cc = nc;
		cs = ns;
		if (msgs % 2048 < 16)
			printf("amp: %ld messages, %ld channels\n", msgs, chans);
	}
out:
	printf("amp: stopped: %s after %ld messages (charged ~%ld B), %ld channels (~%ld B heap)\n",
	       errstr(r), msgs, msgs * 64, chans, chans * 128 + msgs * 128);
	if (hold) {
		printf("amp: holding\n");
		for (;;)
			sleep(100000);
	}
	return 0;
}
