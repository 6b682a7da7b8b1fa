/* bomb: process trees that job control must end whole (docs/shell.md,
 * tools/testing/scenarios/jobs_intr.scn). Not an everyday tool.
 *
 *   bomb tree D   a binary tree D levels deep: every inner node spawns two
 *                 children; the second child of each node exits as soon
 *                 as its own two are started, leaving them orphans; every
 *                 other node sleeps until killed. Each leaf prints
 *                 "bomb: leaf" once it runs, so a test can count them.
 *   bomb flood    a fork bomb: the first process spawns copies forever;
 *                 each copy spawns two more and exits (orphans all the
 *                 way down). The first says "bomb: table full" the first
 *                 time the kernel refuses it (-ENFILE).
 */
#include <rvos.h>

#define TREE_DEPTH_MAX 4     /* 31 processes: the table has 64 slots */

/* Sleep until killed. */
static void sleep_forever(void)
{
	for (;;)
		sleep(SLEEP_MS_MAX);
}

/* Spawn "bomb args..." until the kernel takes it or refuses for good. */
static int spawn_retry(char *const argv[])
{
	for (;;) {
		int r = spawn("bomb", argv);
		if (r != -ENFILE && r != -ENOMEM)
			return r;
		yield();
	}
}

/* A node depth levels above the leaves; exit_after: leave the children. */
static int tree(long depth, bool exit_after)
{
	char d[8];

	if (depth == 0) {
		printf("bomb: leaf\n");
		sleep_forever();
	}
	snprintf(d, sizeof(d), "%ld", depth - 1);
	char *stay[] = { "bomb", "tree", d, NULL };
	char *leave[] = { "bomb", "tree", d, "exit", NULL };
	if (spawn_retry(stay) < 0 || spawn_retry(leave) < 0)
		return 1;
	if (exit_after)
		return 0;
	sleep_forever();
	return 0;
}

/* The fork bomb: the first process (first) never stops spawning. */
static int flood(bool first)
{
	char *argv[] = { "bomb", "flood-copy", NULL };
	bool said = false;

	for (int n = 0; first || n < 2;) {
		int r = spawn("bomb", argv);
		if (r > 0) {
			n++;
		} else if (first && r == -ENFILE && !said) {
			printf("bomb: table full\n");
			said = true;
		} else if (r < 0 && r != -ENFILE && r != -ENOMEM) {
			return 1;
		} else {
			yield();
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	long depth;

	if (argc >= 3 && !strcmp(argv[1], "tree") &&
	    parse_num(argv[2], 0, TREE_DEPTH_MAX, &depth) == 0)
		return tree(depth, argc == 4 && !strcmp(argv[3], "exit"));
	if (argc == 2 && (!strcmp(argv[1], "flood") || !strcmp(argv[1], "flood-copy")))
		return flood(!strcmp(argv[1], "flood"));
	printf("usage: bomb tree DEPTH (0..%d) | bomb flood\n", TREE_DEPTH_MAX);
	return 2;
}
