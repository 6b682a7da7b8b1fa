/* Per-process handle tables: small numbers naming endpoints.
 *
 * Handle h (1..HANDLE_MAX) of process p is slot h-1 of the table kept
 * for p's process-table slot (p - proc_table), so struct proc needs no
 * field for it. A table is HANDLE_MAX pointers from the heap under
 * TAG_HNDL, made at the process's first handle and freed with its last
 * breath (ipc_proc_exit). Only the process itself changes its table.
 *
 * Locking: ipc_lock guards every table.
 */
#include "ipc_internal.h"
#include <kernel/heap.h>
#include <kernel/proc.h>
#include <uapi/errno.h>

struct chan_end **handle_tables[PROC_MAX];

/* p's table, or NULL if it has none yet. */
static struct chan_end **table_of(struct proc *p)
{
	return handle_tables[p - proc_table];
}

/* Free slots in p's table, making the table if p has none (so a later
 * install cannot fail for want of memory). */
int handle_free_count_locked(struct proc *p)
{
	struct chan_end ***slot = &handle_tables[p - proc_table];
	if (!*slot) {
		int c = ipc_charge_locked(p, HANDLE_MAX * sizeof(**slot));
		if (c < 0)
			return c;
		*slot = kzalloc(HANDLE_MAX * sizeof(**slot), TAG_HNDL);
		if (!*slot)
			return -ENOMEM;   /* the charge goes when p exits */
	}
	int n = 0;
	for (int i = 0; i < HANDLE_MAX; i++)
		if (!(*slot)[i])
			n++;
	return n;
}

/* Put e in p's lowest free slot; returns its handle. */
int handle_install_locked(struct proc *p, struct chan_end *e)
{
	struct chan_end **t = table_of(p);
	for (int i = 0; t && i < HANDLE_MAX; i++)
		if (!t[i]) {
			t[i] = e;
			return i + 1;
		}
	return -EMFILE;
}

/* Forget handle h (its endpoint has moved or been closed). */
void handle_clear_locked(struct proc *p, int h)
{
	struct chan_end **t = table_of(p);
	if (t && h >= 1 && h <= HANDLE_MAX)
		t[h - 1] = NULL;
}

/* Close all of a dying process's handles and free its table and its
 * spare message block; stop counting its charges. */
void ipc_proc_exit(struct proc *p)
{
	chan_msg_spare_free(p);
	spin_lock(&ipc_lock);
	struct chan_end **t = table_of(p);
	handle_tables[p - proc_table] = NULL;
	for (int i = 0; t && i < HANDLE_MAX; i++)
		if (t[i])
			chan_close_locked(t[i]);
	p->ipc_bytes = 0;               /* what it still had queued is not its any more */
	spin_unlock(&ipc_lock);
	kfree(t);
}

/* How many handles p holds, and (if bytes) the IPC heap charged to it. */
int ipc_handle_count(struct proc *p, size_t *bytes)
{
	int n = 0;
	spin_lock(&ipc_lock);
	struct chan_end **t = table_of(p);
	for (int i = 0; t && i < HANDLE_MAX; i++)
		if (t[i])
			n++;
	if (bytes)
		*bytes = p->ipc_bytes;
	spin_unlock(&ipc_lock);
	return n;
}
