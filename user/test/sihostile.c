/* sihostile: hostile and odd sysinfo clients (docs/sysinfo.md).
 *
 *   sihostile pid0      SI_REQ_PROC_PAGES for pid 0 and -1: -ESRCH and
 *                       no records, as the protocol says
 *   sihostile crowd     one process asks for more connections than it
 *                       may hold (the rest get -EBUSY); then 4 children
 *                       each hold SYSINFO_CLIENTS_PER_PROC idle
 *                       connections (every slot taken) while `mem` runs:
 *                       mem must get its answer (exit 0), and an evicted
 *                       idle connection reads -EPIPE, never a hang
 */
#include <rvos.h>
#include <rvos/sysinfo.h>

#define HOLDERS 4

/* PROC_PAGES of pids that are no process: -ESRCH, no records. */
static int pid0(void)
{
	static const int pids[] = { 0, -1 };
	int bad = 0, st;
	int h = svc_lookup(SYSINFO_SERVICE);
	if (h < 0)
		return 1;
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		si_request(h, SI_REQ_PROC_PAGES, pids[i]);
		int n = si_drain(h, &st);
		printf("sihostile: PROC_PAGES of pid %d -> %d records, status %d%s\n",
		       pids[i], n, st, n == 0 && st == -ESRCH ? "" : ": FAIL");
		bad += !(n == 0 && st == -ESRCH);
	}
	chan_close(h);
	return bad ? 1 : 0;
}

/* A child: hold every connection it may, idle, until killed. */
static int __attribute__((noreturn)) hold(void)
{
	for (int i = 0; i < SYSINFO_CLIENTS_PER_PROC; i++)
		svc_lookup(SYSINFO_SERVICE);
	for (;;)
		sleep(1000);
}

/* Crowd the service and check mem still gets through. */
static int crowd(void)
{
	int h[SYSINFO_CLIENTS_PER_PROC + 2], st, ok = 0, busy = 0, bad = 0;
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		h[i] = svc_lookup(SYSINFO_SERVICE);
		si_request(h[i], SI_REQ_PS, 0);
	}
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		int n = si_drain(h[i], &st);       /* all stay open meanwhile */
		ok += n > 0 && st == 0;
		busy += n == 0 && st == -EBUSY;
	}
	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		chan_close(h[i]);
	printf("sihostile: %d answered, %d busy of %d from one process%s\n", ok, busy,
	       (int)(sizeof(h) / sizeof(h[0])), ok == SYSINFO_CLIENTS_PER_PROC ? "" : ": FAIL");
	bad += ok != SYSINFO_CLIENTS_PER_PROC;

	int pids[HOLDERS];
	char *hargv[] = { "sihostile", "hold", NULL };
	for (int i = 0; i < HOLDERS; i++)
		pids[i] = spawn("sihostile", hargv);
	sleep(200);                     /* let them connect */
	char *margv[] = { "mem", NULL };
	int mp = spawn("mem", margv);
	if (mp < 0 || wait(mp, &st) != mp || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("sihostile: mem beside %d idle holders: status %d: FAIL\n", HOLDERS, st);
		bad++;
	} else {
		printf("sihostile: mem beside %d idle holders: answered\n", HOLDERS);
	}
	for (int i = 0; i < HOLDERS; i++)
		if (pids[i] > 0) {
			kill(pids[i]);
			wait(pids[i], &st);
		}
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "pid0"))
		return pid0();
	if (argc == 2 && !strcmp(argv[1], "crowd"))
		return crowd();
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return hold();
	printf("usage: sihostile pid0|crowd\n");
	return 2;
}
