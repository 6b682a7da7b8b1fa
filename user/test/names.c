/* names: register service names until refused, say how many and why,
 * and hold them (registry_share.scn). One process may hold at most
 * SVC_NAMES_PER_PROC (4) names, so it cannot take the whole registry
 * from everyone else; a kernel without the cap let it take all 15 free
 * names, and every other svc_register then failed with "no space". */
#include <rvos.h>

int main(void)
{
	char n[16];
	int i, r = 0;

	for (i = 0; i < 64; i++) {
		snprintf(n, sizeof(n), "nm.%d", i);
		if ((r = svc_register(n)) < 0)
			break;
	}
	printf("names: holding %d names; next: %s\n", i, errstr(r));
	for (;;)
		sleep(100000);
}
