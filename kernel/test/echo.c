/* Boot mode "echo": the console's input path without any user program. */
#include <kernel/types.h>
#include <kernel/dev.h>
#include <kernel/proc.h>
#include <kernel/printf.h>
#include <kernel/spinlock.h>
#include <lib/string.h>
#include "echo.h"

/* Read console lines and say what arrived, until "quit". */
void echo_loop(void)
{
	char line[80];
	size_t n = 0, dropped = 0;

	kprintf("echo: ready\n");
	for (;;) {
		int c;
		spin_lock(&proc_lock);
		while ((c = console_getc()) < 0)
			sleep_on(&console_chan, &proc_lock, "console");
		spin_unlock(&proc_lock);
		if (c == '\r' || c == '\n') {
			line[n] = '\0';
			kprintf("\necho: line '%s'\n", line);
			if (dropped)        /* never lose input without a word */
				kprintf("echo: %lu characters past the first %lu not kept\n",
					(unsigned long)dropped, (unsigned long)(sizeof(line) - 1));
			if (!strcmp(line, "quit"))
				power_off();
			n = dropped = 0;
		} else if (n + 1 < sizeof(line)) {
			line[n++] = (char)c;
			console_putc((char)c);
		} else {
			dropped++;
		}
	}
}
