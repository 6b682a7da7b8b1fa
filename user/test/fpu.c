/* fpu MODE: floating point is not for user programs (docs/processes.md,
 * "Floating point"). User sstatus has FS = Off, so every instruction that
 * touches the FP registers or FP CSRs must kill the program with
 *   rvos: pid N (fpu) killed: floating-point instruction ...
 * and nothing of one program's FP registers can reach another.
 *
 *   pair     f5 := A; spawn "fpu child", wait; f5 must still be A
 *   child    f5 must not be A (a new process never sees old values);
 *            then f5 := B and exit
 *   fmv      fmv.d.x (OP-FP)         load    fld (LOAD-FP)
 *   store    fsd (STORE-FP)          fma     fmadd.d (R4 opcodes)
 *   cload    c.fldsp (compressed)    cstore  c.fsdsp (compressed)
 *   fcsr     csrr of fcsr            frm     csrw of frm
 *   fflags   csrs of fflags
 *
 * Each mode that is not refused prints what it saw and "fpu: MODE was
 * not refused" (the scenario forbids that line). Instructions are given
 * as raw encodings: user code is built without F/D (user/user.mk).
 */
#include <rvos.h>

#define MAGIC_A 0x0123456789abcdefUL
#define MAGIC_B 0x0fedcba987654321UL

/* f5 := v (fmv.d.x f5, a0). */
static void f5_set(unsigned long v)
{
	register unsigned long a0 __asm__("a0") = v;
	__asm__ volatile(".word 0xf20502d3" :: "r"(a0));   /* fmv.d.x f5, a0 */
}

/* The value in f5 (fmv.x.d a0, f5). */
static unsigned long f5_get(void)
{
	register unsigned long a0 __asm__("a0");
	__asm__ volatile(".word 0xe2028553" : "=r"(a0));   /* fmv.x.d a0, f5 */
	return a0;
}

/* Two processes, one after the other, each with its own value in f5. */
static int pair(void)
{
	f5_set(MAGIC_A);
	char *argv[] = { "fpu", "child", NULL };
	int pid = spawn("fpu", argv), status = 0;
	if (pid < 0) {
		printf("fpu: spawn child -> %s\n", errstr(pid));
		return 1;
	}
	wait(pid, &status);
	unsigned long v = f5_get();
	printf("fpu: parent's f5 after the child ran: %lx: %s\n", v,
	       v == MAGIC_A ? "ok" : "FAIL (the child's write reached us)");
	printf("fpu: pair was not refused\n");
	return v == MAGIC_A && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* A new process: f5 must hold nothing of its parent's. */
static int child(void)
{
	unsigned long v = f5_get();
	printf("fpu: child's f5 at start: %lx: %s\n", v,
	       v == MAGIC_A ? "FAIL (another process's value)" : "ok");
	f5_set(MAGIC_B);
	return v == MAGIC_A ? 1 : 0;
}

/* Execute one FP instruction of the given kind; returns if not refused. */
static int one(const char *k)
{
	unsigned long slot[2] = { 0, 0 };
	register unsigned long a0 __asm__("a0") = (unsigned long)slot;

	if (!strcmp(k, "fmv"))
		f5_set(1);
	else if (!strcmp(k, "load"))
		__asm__ volatile(".word 0x00053287" :: "r"(a0) : "memory");  /* fld f5, 0(a0) */
	else if (!strcmp(k, "store"))
		__asm__ volatile(".word 0x00553027" :: "r"(a0) : "memory");  /* fsd f5, 0(a0) */
	else if (!strcmp(k, "fma"))
		__asm__ volatile(".word 0x1a3170c3");                        /* fmadd.d f1, f2, f3, f3 */
	else if (!strcmp(k, "cload"))
		__asm__ volatile(".2byte 0x2402" ::: "memory");              /* c.fldsp f8, 0(sp) */
	else if (!strcmp(k, "cstore"))
		__asm__ volatile(".2byte 0xa022" ::: "memory");              /* c.fsdsp f8, 0(sp) */
	else if (!strcmp(k, "fcsr"))
		__asm__ volatile(".word 0x00302573" ::: "a0");               /* csrr a0, fcsr */
	else if (!strcmp(k, "frm"))
		__asm__ volatile(".word 0x00201073");                        /* csrw frm, zero */
	else if (!strcmp(k, "fflags"))
		__asm__ volatile(".word 0x0010a073");                        /* csrs fflags, ra */
	else {
		printf("fpu: unknown mode %s\n", k);
		return 2;
	}
	printf("fpu: %s was not refused\n", k);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		printf("usage: fpu pair|child|fmv|load|store|fma|cload|cstore|fcsr|frm|fflags\n");
		return 2;
	}
	stdout_flush();
	if (!strcmp(argv[1], "pair"))
		return pair();
	if (!strcmp(argv[1], "child"))
		return child();
	return one(argv[1]);
}
