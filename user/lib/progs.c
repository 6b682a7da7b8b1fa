/* The progs system call stub: list the programs the kernel can spawn. */
#include <rvos.h>

long progs(unsigned long index, char *buf, size_t len)
{
	register unsigned long a0 __asm__("a0") = index;
	register char *a1 __asm__("a1") = buf;
	register size_t a2 __asm__("a2") = len;
	register long a7 __asm__("a7") = SYS_progs;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a7)
			 : "memory");
	return (long)a0;
}
