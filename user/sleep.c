/* sleep MS: sleep for MS milliseconds. */
#include <rvos.h>

int main(int argc, char **argv)
{
	long ms;
	if (argc != 2 || parse_num(argv[1], 0, SLEEP_MS_MAX, &ms) < 0) {
		printf("usage: sleep MS\n");
		return 2;
	}
	int r = sleep((unsigned long)ms);
	if (r < 0) {
		printf("sleep: %s\n", errstr(r));
		return 1;
	}
	return 0;
}
