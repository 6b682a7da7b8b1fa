/* spin [MS]: burn CPU without ever yielding, for MS milliseconds
 * (default: until killed). Proves that the timer preempts. */
#include <rvos.h>

int main(int argc, char **argv)
{
	long ms = -1;
	if (argc > 1 && parse_num(argv[1], 0, SLEEP_MS_MAX, &ms) < 0) {
		printf("usage: spin [MS]\n");
		return 2;
	}
	long end = clock(CLOCK_MS) + ms;
	volatile unsigned long n = 0;
	while (ms < 0 || clock(CLOCK_MS) < end)
		for (int i = 0; i < 10000; i++)
			n++;
	return 0;
}
