/* kill PID...: ask processes to end. (The shell's own kill builtin also
 * takes %N for a job; this program is for other programs to spawn.) */
#include <rvos.h>

int main(int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		printf("usage: kill PID...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		long pid;
		int r = parse_num(argv[i], 1, PID_MAX, &pid);
		if (r < 0) {
			printf("kill: %s: not a pid (1..%d)\n", argv[i], PID_MAX);
			status = 1;
			continue;
		}
		r = kill((int)pid);
		if (r < 0) {
			printf("kill: %s: %s\n", argv[i], errstr(r));
			status = 1;
		}
	}
	return status;
}
