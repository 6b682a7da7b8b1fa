/* sysinfo's unknown-record test (sysinfo_future.scn): with the bootarg
 * sysinfo_future every reply of the service starts with two records of
 * a type no client knows, bigger than any it does, as a newer kernel's
 * reply might. Clients must step over them and show the same figures.
 * The shipping kernel has no such code: sysinfo calls this through the
 * weak hook in <kernel/test.h>. */
#include <kernel/test.h>
#include <kernel/bootargs.h>
#include <lib/string.h>
#include "../svc/sysinfo_internal.h"

#define SI_REC_FUTURE 0x7e57

/* Put the two unknown records at the start of the reply, if asked. */
void sysinfo_test_records(struct si_stream *st)
{
	uint8_t rec[3 * sizeof(struct si_site)];

	if (!bootarg("sysinfo_future", NULL, 0))
		return;
	memset(rec, 0xa5, sizeof(rec));
	si_put(st, SI_REC_FUTURE, rec, sizeof(rec));
	si_put(st, SI_REC_FUTURE, rec, sizeof(rec));
}
