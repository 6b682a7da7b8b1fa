/* kill PID...: ask processes to end. */
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
		int r = parse_long(argv[i], &pid) < 0 ? -EINVAL : kill((int)pid);
		if (r < 0) {
			printf("kill: %s: %s\n", argv[i], errstr(r));
			status = 1;
		}
	}
	return status;
}
