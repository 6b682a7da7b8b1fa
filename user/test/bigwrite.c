/* bigwrite: a process killed in the middle of one huge console_write
 * must stop at once, not after the whole buffer has gone out (at the
 * UART's pace, 16 MiB takes minutes). The child writes 16 MiB in one
 * call; the parent lets it run a moment, kills it, waits, and prints
 * "bigwrite: writer reaped, status ..." — which a kernel that ignores
 * the kill inside console_write prints only minutes later.
 */
#include <rvos.h>

#define BIG (16UL << 20)

/* The writer: one console_write of BIG bytes of '.', no newline. */
static int writer(void)
{
	long base = sbrk((long)BIG);
	if (base < 0) {
		printf("bigwrite: sbrk: %ld\n", base);
		return 1;
	}
	memset((void *)base, '.', BIG);
	console_write((const void *)base, BIG);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return writer();

	char *cargv[] = { "bigwrite", "child", NULL };
	int pid = spawn("bigwrite", cargv);
	if (pid < 0) {
		printf("bigwrite: spawn: %d\n", pid);
		return 1;
	}
	sleep(300);
	int r = kill(pid), status = 0;
	int w = wait(pid, &status);
	printf("\nbigwrite: kill -> %d, wait -> %s, writer reaped, status 0x%x\n",
	       r, w == pid ? "its pid" : "wrong", status);
	return w == pid && r == 0 ? 0 : 1;
}
