/* mmdbg: hostile arguments to mmdebug (syscall 38; docs/syscalls.md):
 * each is refused with its error and changes nothing. Prints one line
 * per case, "mmdbg: PASS" at the end, or lines ending in FAIL; exit 1 on
 * a failure. */
#include <rvos.h>

/* include/kernel/mm_debug.h's MM_DBG_REDZONE: mmdebug's result bits are
 * documented in docs/syscalls.md, not in a uapi header. */
#define MM_DBG_REDZONE_BIT 4

static int bad;

/* One case: got must be want. */
static void check(const char *what, long got, long want)
{
	printf("mmdbg: %s -> %ld%s\n", what, got, got == want ? "" : ": FAIL");
	bad += got != want;
}

int main(void)
{
	char spec[300], out[64];
	long before = mmdebug("", out, sizeof(out));

	check("read the modes", before >= 0, 1);
	check("spec NULL", mmdebug(NULL, out, sizeof(out)), -EFAULT);
	check("spec in the kernel", mmdebug((const char *)0x80200000UL, out, sizeof(out)),
	      -EFAULT);
	memset(spec, 'a', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = 0;
	check("spec of 299 bytes", mmdebug(spec, out, sizeof(out)), -E2BIG);
	check("unknown word", mmdebug("poison,frob", out, sizeof(out)), -EINVAL);
	check("unknown tag", mmdebug("guard=ZZZZ", out, sizeof(out)), -EINVAL);
	check("guard=1/0", mmdebug("guard=1/0", out, sizeof(out)), -EINVAL);
	check("guard alone", mmdebug("guard", out, sizeof(out)), -EINVAL);
	check("out in the kernel", mmdebug("poison", (char *)0x80200000UL, 8), -EFAULT);
	check("nothing changed", mmdebug("", NULL, 0), before);
	check("out of 4 bytes", mmdebug("redzone", out, 4), before | MM_DBG_REDZONE_BIT);
	check("cut to 3 characters", (long)strlen(out), 3);
	check("off again", mmdebug("-redzone", NULL, 0), before);
	printf("mmdbg: %s\n", bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}
