/* System call dispatch: a table indexed by number, built from
 * SYSCALL_LIST in <uapi/syscall.h>; -ENOSYS for gaps. */
#include <kernel/syscall.h>
#include <uapi/syscall.h>
#include <uapi/errno.h>

typedef long (*syscall_fn)(struct trapframe *tf);

/* The handler of each call in SYSCALL_LIST, by number. */
#define SYSCALL_SLOT_(nr, name, stub, ret, params, desc) [nr] = sys_##name,
static const syscall_fn syscalls[SYS_MAX] = {
	SYSCALL_LIST(SYSCALL_SLOT_)
};
#undef SYSCALL_SLOT_

/* Run the call numbered tf->a7 (-ENOSYS if there is none). */
void syscall(struct trapframe *tf)
{
	uint64_t n = tf->a7;
	if (n < SYS_MAX && syscalls[n])
		tf->a0 = (uint64_t)syscalls[n](tf);
	else
		tf->a0 = (uint64_t)-ENOSYS;
}
