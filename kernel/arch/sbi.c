/* SBI calls: the S-mode kernel's way to ask OpenSBI for M-mode services. */
#include <kernel/sbi.h>

/* Extension ids (a7) and their function ids (a6), from the SBI spec. */
#define SBI_EXT_BASE     0x10
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_PROBE_EXTENSION  3
#define SBI_EXT_TIME     0x54494D45   /* "TIME" */
#define SBI_TIME_SET_TIMER        0
#define SBI_EXT_IPI      0x735049     /* "sPI" */
#define SBI_IPI_SEND_IPI          0
#define SBI_EXT_HSM      0x48534D     /* "HSM" */
#define SBI_HSM_HART_START        0
#define SBI_HSM_HART_STOP         1
#define SBI_EXT_SRST     0x53525354   /* "SRST" */
#define SBI_SRST_SYSTEM_RESET     0
#define SBI_SRST_SHUTDOWN  0          /* reset type */
#define SBI_SRST_NO_REASON 0          /* reset reasons */
#define SBI_SRST_FAILURE   1
/* Legacy extensions: the id alone names the call (function id 0). */
#define SBI_LEGACY_PUTCHAR 0x01
#define SBI_LEGACY_SHUTDOWN 0x08

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a6 __asm__("a6") = fid;
	register long r_a7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbiret){ r_a0, r_a1 };
}

/* Ask for a supervisor timer interrupt when time reaches stime. */
void sbi_set_timer(uint64_t stime)
{
	sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (long)stime, 0, 0);
}

/* Print one character through OpenSBI's console (before the UART is up). */
void sbi_console_putchar(int c)
{
	sbi_call(SBI_LEGACY_PUTCHAR, 0, c, 0, 0);
}

/* True when OpenSBI implements extension ext. */
bool sbi_probe(long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0, 0);
	return r.error == 0 && r.value != 0;
}

/* The SBI spec version OpenSBI implements: major << 24 | minor. */
long sbi_spec_version(void)
{
	return sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0).value;
}

/* Power off through SRST, giving the reason "system failure" if failed
 * (whether that reaches the exit status is up to the firmware); firmware
 * without SRST gets the legacy shutdown call. Returns only if the
 * firmware cannot power off (SRST says "not supported"): the legacy
 * call is not tried then, as OpenSBI hangs the hart in it for good. */
void sbi_system_off(bool failed)
{
	if (sbi_probe(SBI_EXT_SRST))
		sbi_call(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_SHUTDOWN,
			 failed ? SBI_SRST_FAILURE : SBI_SRST_NO_REASON, 0);
	else
		sbi_call(SBI_LEGACY_SHUTDOWN, 0, 0, 0, 0);
}

/* Start hart hartid at physical address start in S-mode, MMU off, with
 * a0 = hartid and a1 = opaque (HSM): 0 or a negative SBI error. The
 * hart is only asked to start; it runs once this returns. */
long sbi_hart_start(uint64_t hartid, uintptr_t start, uintptr_t opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, (long)hartid, (long)start,
			(long)opaque).error;
}

/* Stop the calling hart for good (HSM); returns only on failure. */
void sbi_hart_stop(void)
{
	sbi_call(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0);
}

bool sbi_has_hsm(void) { return sbi_probe(SBI_EXT_HSM); }
bool sbi_has_ipi(void) { return sbi_probe(SBI_EXT_IPI); }

/* Raise a supervisor software interrupt on hart hartid. */
void sbi_send_ipi(uint64_t hartid)
{
	sbi_call(SBI_EXT_IPI, SBI_IPI_SEND_IPI, 1, (long)hartid, 0);
}

#define SBI_EXT_RFENCE 0x52464E43           /* "RFNC" */
#define SBI_RFENCE_SFENCE_VMA 1

/* Every hart's TLB flushed whole: hart_mask_base -1 names all harts,
 * start and size 0 the whole address space. a3 is the size, which
 * sbi_call does not pass. Without RFENCE (a one-hart machine is all
 * we could then be sure of) only this hart's. */
void sbi_remote_sfence_vma_all(void)
{
	static int has = -1;

	if (has < 0)
		has = sbi_probe(SBI_EXT_RFENCE);
	if (!has)
		return;
	register long r_a0 __asm__("a0") = 0;
	register long r_a1 __asm__("a1") = -1;
	register long r_a2 __asm__("a2") = 0;
	register long r_a3 __asm__("a3") = 0;
	register long r_a6 __asm__("a6") = SBI_RFENCE_SFENCE_VMA;
	register long r_a7 __asm__("a7") = SBI_EXT_RFENCE;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
			 : "memory");
}
