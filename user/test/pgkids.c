/* pgkids [N]: N children of one job each take heap pages until refused
 * and hold them (job_page_budget.scn). The page cap is per process, so
 * without a budget per job they took every page of the machine and
 * `mem` failed "out of memory"; with it they stop together at half of
 * RAM, however their growth interleaves. */
#include <rvos.h>

/* A child: take pages until refused, say how many, hold them. */
static int take(void)
{
	long n = 0;

	while (n < 200000 && sbrk(USER_PAGE_SIZE) >= 0)
		n++;
	printf("pgkids: child %d holds %ld pages\n", getpid(), n);
	while (sleep(100000) >= 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	long n = 3;

	if (argc > 1 && !strcmp(argv[1], "child"))
		return take();
	if (argc > 1 && parse_num(argv[1], 1, 64, &n) < 0) {
		printf("usage: pgkids [1..64]\n");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		char *av[] = { "pgkids", "child", NULL };
		int r = spawn("pgkids", av);
		printf("pgkids: spawn %ld -> %d\n", i, r);
		sleep(300);
	}
	while (sleep(100000) >= 0)
		;
	return 0;
}
