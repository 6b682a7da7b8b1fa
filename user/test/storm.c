/* storm MODE: spawn storms from user space, for the hardening tests
 * (docs/hardening.md). Each mode checks what it can see itself and
 * exits 0 when all held; the kernel test that runs it compares memory.
 *
 *   storm cycles N   spawn "status K" N times, one at a time, and wait
 *                    for each: every exit status must be K
 *   storm fill       spawn sleepers until the kernel refuses with
 *                    -ENFILE, kill and wait for them all; exits with the
 *                    number of sleepers it had (the test knows how many
 *                    slots were free), 255 on any other error
 *   storm orphans N  spawn N children that each spawn a short sleeper
 *                    and exit at once: the kernel adopts and frees the
 *                    orphaned sleepers
 *   storm orphan     (one of those children)
 */
#include <rvos.h>

#define FILL_MAX 128        /* more than any process table we build */

/* Spawn "name arg" (arg may be NULL). */
static int start(const char *name, const char *arg)
{
	char *argv[] = { (char *)name, (char *)arg, NULL };
	return spawn(name, argv);
}

/* n spawn/exit/wait cycles of "status K", checking each status. */
static int cycles(long n)
{
	for (long i = 0; i < n; i++) {
		char code[8];
		int status;
		snprintf(code, sizeof(code), "%ld", i % 256);
		int pid = start("status", code);
		if (pid < 0) {
			printf("storm: cycle %ld: spawn: %s\n", i, errstr(pid));
			return 1;
		}
		int r = wait(pid, &status);
		if (r != pid || !WIFEXITED(status) || WEXITSTATUS(status) != i % 256) {
			printf("storm: cycle %ld: wait %d status 0x%x, want pid %d exit %ld\n",
			       i, r, status, pid, i % 256);
			return 1;
		}
	}
	printf("storm: %ld spawn/exit cycles done\n", n);
	return 0;
}

/* Fill the process table with sleepers; see the header for the exit code. */
static int fill(void)
{
	static int pids[FILL_MAX];
	int n = 0, r, status, bad = 0;

	while (n < FILL_MAX && (r = start("sleep", "100000")) > 0)
		pids[n++] = r;
	if (n == FILL_MAX || r != -ENFILE) {
		printf("storm: spawn %d refused with %s, want -ENFILE\n", n + 1,
		       n == FILL_MAX ? "nothing" : errstr(r));
		bad = 1;
	}
	/* refused again while still full */
	if ((r = start("status", NULL)) != -ENFILE) {
		printf("storm: spawn into a full table: %d, want -ENFILE\n", r);
		bad = 1;
	}
	for (int i = 0; i < n; i++)
		if (kill(pids[i]) < 0)
			bad = 1;
	for (int i = 0; i < n; i++) {
		r = wait(pids[i], &status);
		if (r != pids[i] || !WIFKILLED(status) || WKILLCAUSE(status) != KILL_REQUESTED) {
			printf("storm: sleeper %d: wait %d status 0x%x\n", pids[i], r, status);
			bad = 1;
		}
	}
	if (wait(WAIT_ANY, NULL) != -ECHILD)
		bad = 1;
	printf("storm: %d sleepers filled the table, the next spawn was refused\n", n);
	return bad ? 255 : n;
}

/* n children that each leave an orphaned sleeper behind. */
static int orphans(long n)
{
	for (long i = 0; i < n; i++) {
		int status, pid = start("storm", "orphan");
		if (pid < 0 || wait(pid, &status) != pid || status != W_EXITCODE(0)) {
			printf("storm: orphan maker %ld failed: %d\n", i, pid);
			return 1;
		}
	}
	printf("storm: %ld orphans left to the kernel\n", n);
	return 0;
}

/* Pick the mode from argv[1]. */
int main(int argc, char **argv)
{
	long n = 0;
	const char *mode = argc > 1 ? argv[1] : "";
	bool counted = !strcmp(mode, "cycles") || !strcmp(mode, "orphans");

	if (counted && (argc != 3 || parse_long(argv[2], &n) < 0 || n < 0))
		mode = "";
	if (!strcmp(mode, "cycles"))
		return cycles(n);
	if (!strcmp(mode, "fill"))
		return fill();
	if (!strcmp(mode, "orphans"))
		return orphans(n);
	if (!strcmp(mode, "orphan"))
		return start("sleep", "20") > 0 ? 0 : 1;
	printf("usage: storm cycles N | fill | orphans N\n");
	return 2;
}
