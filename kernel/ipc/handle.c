/* Per-process handle tables: small numbers naming endpoints.
 *
 * Handle h (1..HANDLE_MAX) of process p is p->ipc->handles[h-1]. The
 * table is part of p's struct ipc_proc (include/kernel/ipc.h), one heap
 * block under TAG_HNDL made at the process's first handle
 * (ipc_proc_get_locked) and freed with its last breath (ipc_proc_exit).
 * Only the process itself changes its table.
 *
 * Locking: ipc_lock guards every table.
 */
#include "ipc_internal.h"
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <uapi/errno.h>

/* Make p's struct ipc_proc (its handle table) if it has none yet,
 * charged to p: 0, or -ENOMEM (the heap said no, or over p's cap). */
int ipc_proc_get_locked(struct proc *p)
{
	if (p->ipc)
		return 0;
	if (ipc_limit && sizeof(*p->ipc) > ipc_limit) {   /* the first charge */
		tag_charge_fail(TAG_IPC);
		return -ENOMEM;
	}
	p->ipc = kzalloc(sizeof(*p->ipc), TAG_HNDL);
	if (!p->ipc)
		return -ENOMEM;
	p->ipc->bytes = sizeof(*p->ipc);
	return 0;
}

/* Free entries in p's table (0 if it has none). */
int handle_free_count_locked(struct proc *p)
{
	int n = 0;
	for (int i = 0; p->ipc && i < HANDLE_MAX; i++)
		if (!p->ipc->handles[i])
			n++;
	return n;
}

/* Can p take n more handles? Makes its table if need be, so the
 * installs that follow cannot fail: 0, -EMFILE or -ENOMEM. */
int handle_room_locked(struct proc *p, int n)
{
	int r = ipc_proc_get_locked(p);
	if (r < 0)
		return r;
	return handle_free_count_locked(p) < n ? -EMFILE : 0;
}

/* Put e in p's lowest free entry; returns its handle. */
int handle_install_locked(struct proc *p, struct chan_end *e)
{
	for (int i = 0; p->ipc && i < HANDLE_MAX; i++)
		if (!p->ipc->handles[i]) {
			p->ipc->handles[i] = e;
			return i + 1;
		}
	return -EMFILE;
}

/* Forget handle h (its endpoint has moved or been closed). */
void handle_clear_locked(struct proc *p, int h)
{
	if (p->ipc && h >= 1 && h <= HANDLE_MAX)
		p->ipc->handles[h - 1] = NULL;
}

/* Close all of a dying process's handles and free its spare message
 * block and its struct ipc_proc. What is still charged to it but its
 * table (messages it sent that wait in others' queues, channels whose
 * other end someone holds) moves to ipc_orphaned, where each release
 * for its pid now lands (ipc_uncharge_locked finds p->ipc NULL): so
 * the closes below take back their share at once, and the rest stays
 * counted until the memory is freed (docs/ipc.md, "When the sender
 * exits"). */
void ipc_proc_exit(struct proc *p)
{
	chan_msg_spare_free(p);
	spin_lock(&ipc_lock);
	struct ipc_proc *ip = p->ipc;
	p->ipc = NULL;
	if (ip)
		ipc_orphaned += ip->bytes - sizeof(*ip);
	for (int i = 0; ip && i < HANDLE_MAX; i++)
		if (ip->handles[i])
			chan_close_locked(ip->handles[i]);
	spin_unlock(&ipc_lock);
	kfree(ip);
}

/* How many handles p holds, and (if bytes) the IPC heap charged to it. */
int ipc_handle_count(struct proc *p, size_t *bytes)
{
	spin_lock(&ipc_lock);
	int n = p->ipc ? HANDLE_MAX - handle_free_count_locked(p) : 0;
	if (bytes)
		*bytes = p->ipc ? p->ipc->bytes : 0;
	spin_unlock(&ipc_lock);
	return n;
}

/* The IPC heap charged to p, read without ipc_lock: for the
 * out-of-memory report, which may run where ipc_lock is held. A
 * snapshot that may be stale or torn. */
size_t ipc_bytes_unlocked(const struct proc *p)
{
	const struct ipc_proc *ip = __atomic_load_n(&p->ipc, __ATOMIC_RELAXED);

	return ip ? __atomic_load_n(&ip->bytes, __ATOMIC_RELAXED) : 0;
}
