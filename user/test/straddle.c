/* straddle: user buffers that start in a mapped page and end in an
 * unmapped one. Every system call that writes into user memory must
 * refuse such a buffer with -EFAULT and write nothing at all into the
 * part that is mapped (docs/processes.md, "Address space"); a wait that
 * fails (no such child) leaves its status word alone. Each check
 * prints one line; the last is "straddle: PASS" or "straddle: N FAILED".
 */
#include <rvos.h>

#define PATTERN 0x5a

static char *edge;      /* first byte of the unmapped page above the heap */
static int failures;

/* Fill the last n mapped bytes with the pattern. */
static void arm(size_t n)
{
	memset(edge - n, PATTERN, n);
}

/* Check that a call failed with want and left the last n mapped bytes
 * untouched. */
static void check_err(const char *what, long r, long want, size_t n)
{
	bool intact = true;
	for (size_t i = 1; i <= n; i++)
		intact &= edge[-(long)i] == PATTERN;
	bool ok = r == want && intact;
	printf("straddle: %-28s -> %ld, mapped part %s: %s\n", what, r,
	       intact ? "untouched" : "overwritten", ok ? "ok" : "FAIL");
	failures += !ok;
}

/* A straddling buffer: -EFAULT, and nothing written. */
#define check(what, r, n) check_err(what, r, -EFAULT, n)

int main(void)
{
	long base = sbrk(USER_PAGE_SIZE);
	if (base < 0) {
		printf("straddle: sbrk -> %s\n", errstr((int)base));
		return 2;
	}
	edge = (char *)base + USER_PAGE_SIZE;

	int pid = spawn("status", (char *[]){ "status", "3", NULL }), status;
	arm(2);
	check("wait(pid, status)", wait(pid, (int *)(edge - 2)), 2);
	printf("straddle: the child is still there: %s\n",
	       wait(pid, &status) == pid && WEXITSTATUS(status) == 3 ? "ok" : "FAIL");

	arm(4);
	check_err("wait(no such child, status)", wait(pid, (int *)(edge - 4)), -ECHILD, 4);

	arm(3);
	check("progs(0, buf, 64)", progs(0, edge - 3, 64), 3);

	int h0, h1;
	arm(2);
	check("chan_create(h0, h1)", chan_create((int *)(edge - 2), &h1), 2);
	if (chan_create(&h0, &h1) < 0) {
		printf("straddle: chan_create: FAIL\n");
		return 2;
	}
	char msg[64];
	memset(msg, 'm', sizeof(msg));
	chan_send(h0, msg, sizeof(msg), NULL, 0, 0);
	arm(16);
	check("chan_recv(buf, 64)", chan_recv(h1, edge - 16, sizeof(msg), NULL, CHAN_NONBLOCK), 16);
	struct chan_info info;
	arm(8);
	check("chan_recv(info)", chan_recv(h1, msg, sizeof(msg),
					  (struct chan_info *)(edge - 8), CHAN_NONBLOCK), 8);
	printf("straddle: the message is still queued: %s\n",
	       chan_recv(h1, msg, sizeof(msg), &info, CHAN_NONBLOCK) == sizeof(msg) ? "ok" : "FAIL");

	arm(16);
	check("console_read(buf, 32)", console_read(edge - 16, 32), 16);

	if (failures)
		printf("straddle: %d FAILED\n", failures);
	else
		printf("straddle: PASS\n");
	return failures != 0;
}
