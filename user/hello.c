/* hello: the first user program; shows its pid and arguments. */
#include <rvos.h>

int main(int argc, char **argv)
{
	printf("hello from rvos (pid %d)\n", getpid());
	for (int i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	return 0;
}
