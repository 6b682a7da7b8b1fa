/* Misuse reports of the memory allocators, naming the caller. */
#include <kernel/mm.h>
#include <kernel/printf.h>
#include <kernel/ksym.h>

/* Print a misuse message and who made the call. */
void mm_report(uintptr_t caller, const char *fmt, ...)
{
	uintptr_t off;
	const char *name = ksym_lookup(caller, &off);
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	if (name)
		kprintf(" (caller %s+0x%lx)\n", name, (unsigned long)off);
	else
		kprintf(" (caller %p)\n", (void *)caller);
}
