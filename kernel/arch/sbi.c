/* SBI calls: the S-mode kernel's way to ask OpenSBI for M-mode services. */
#include <kernel/sbi.h>

#define SBI_EXT_BASE     0x10
#define SBI_EXT_TIME     0x54494D45   /* "TIME" */
#define SBI_EXT_SRST     0x53525354   /* "SRST" */
#define SBI_LEGACY_PUTCHAR 0x01

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
	sbi_call(SBI_EXT_TIME, 0, (long)stime, 0, 0);
}

/* Print one character through OpenSBI's console (before the UART is up). */
void sbi_console_putchar(int c)
{
	sbi_call(SBI_LEGACY_PUTCHAR, 0, c, 0, 0);
}

/* True when OpenSBI implements extension ext. */
bool sbi_probe(long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, 3, ext, 0, 0);
	return r.error == 0 && r.value != 0;
}

long sbi_spec_version(void)
{
	return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value;
}

/* Power off through the SRST extension; spins if it is missing. */
void sbi_shutdown(void)
{
	sbi_call(SBI_EXT_SRST, 0, 0 /* shutdown */, 0 /* no reason */, 0);
	for (;;)
		__asm__ volatile("wfi");
}
