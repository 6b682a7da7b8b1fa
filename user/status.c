/* status N: exit with status N (default 0). The smallest useful program:
 * tests and benchmarks spawn it to measure a process's whole life. */
#include <rvos.h>

int main(int argc, char **argv)
{
	long code = 0;
	if (argc > 1 && parse_num(argv[1], 0, 255, &code) < 0) {
		printf("usage: status [N]\n");
		return 2;
	}
	return (int)code;
}
