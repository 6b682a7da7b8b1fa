/* siamp [N]: try to make the sysinfo kernel thread hold memory for us
 * (sysinfo_parked.scn). A child connects to sysinfo, queues requests,
 * lets the replies fill its connection's queue (allocated by sysinfo,
 * charged to nobody), hands the connection to the parent and exits. The
 * parent parks each connection, 4 to a 0-byte message, in nested
 * queues. sysinfo serves 16 clients; when all slots are taken it evicts
 * the oldest, and an evicted connection's unread replies are taken back
 * with it (chan_kclose_retract), so parking thousands of connections
 * holds no more than 16 connections' worth. A kernel that left them
 * queued let one process fill the heap. */
#include <rvos.h>
#include <uapi/sysinfo.h>

static char name[16];

static int child(const char *svc)
{
	struct si_request rq = { SYSINFO_MAGIC, SYSINFO_VERSION, SI_REQ_SITES, 0, 0 };
	int c = svc_lookup(SYSINFO_SERVICE);
	if (c < 0)
		return 1;
	for (int i = 0; i < 4; i++)
		chan_send(c, &rq, sizeof(rq), NULL, 0, CHAN_NONBLOCK);
	sleep(30);                       /* let sysinfo fill our queue */
	int p = svc_lookup(svc);
	if (p < 0)
		return 2;
	chan_send(p, "", 0, &c, 1, 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "child"))
		return child(argv[2]);
	long n = 1000;
	if (argc > 1 && parse_num(argv[1], 1, 100000, &n) < 0)
		return 2;
	snprintf(name, sizeof(name), "sia.%d", getpid());
	int L = svc_register(name);
	int cc, cs, got = 0, inq = 0, r = 0;
	struct chan_info in;
	struct svc_connect sc;
	int park[4], np = 0;

	/* container: a channel of our own (charged 120 B) */
	if (chan_create(&cc, &cs) < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		char *av[] = { "siamp", "child", name, NULL };
		int pid = spawn("siamp", av);
		if (pid < 0) { r = pid; break; }
		int st;
		/* its connection to us, then its message with the sysinfo end */
		if (chan_recv(L, &sc, sizeof(sc), &in, 0) < 0) { r = -1; break; }
		int s = in.handles[0];
		long m = chan_recv(s, NULL, 0, &in, 0);
		wait(pid, &st);
		chan_close(s);
		if (m < 0 || in.nhandles != 1)
			continue;
		park[np++] = in.handles[0];
		got++;
		if (np == 4) {
			if (inq == 15) {          /* new container, old one inside */
				int nc, ns;
				if ((r = chan_create(&nc, &ns)) < 0) break;
				chan_close(cc);
				if ((r = chan_send(nc, "", 0, &cs, 1, CHAN_NONBLOCK)) < 0) break;
				cc = nc; cs = ns; inq = 1;
			}
			if ((r = chan_send(cc, "", 0, park, 4, CHAN_NONBLOCK)) < 0) break;
			inq++;
			np = 0;
		}
		if (got % 64 == 0)
			printf("siamp: %d connections parked\n", got);
	}
	printf("siamp: stopped (%s) with %d sysinfo connections parked\n", errstr(r), got);
	printf("siamp: holding\n");
	for (;;)
		sleep(100000);
}
