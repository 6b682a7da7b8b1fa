/* Per-process charges for kernel heap that IPC holds for a process, and
 * the cap on them (docs/ipc.md, "Limits per process").
 *
 * Charged to a process, in bytes asked of the heap: the channels it
 * creates (chan_create), the messages it sent that are still queued,
 * and its handle table (fast paths inline in ipc_internal.h). A charge
 * is released when that memory is freed, whoever frees it and even if the process has
 * exited by then: the object records the process slot and pid it
 * charged. When a process exits, what is still charged to it moves to
 * ipc_orphaned (ipc_proc_exit), and a release for a pid that no longer
 * owns its slot comes off that count: queued memory whose sender has
 * gone stays counted, under no process, until it is freed. Over the cap a charge
 * fails: the caller returns -ENOMEM and TAG_IPC's fail counter grows.
 *
 * Locking: ipc_lock guards every count and the cap.
 */
#include "ipc_internal.h"
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <uapi/errno.h>

size_t ipc_limit = IPC_PROC_LIMIT_DEFAULT;
size_t ipc_orphaned;

/* IPC heap still charged to processes that have exited. */
size_t ipc_orphaned_get(void)
{
	spin_lock(&ipc_lock);
	size_t n = ipc_orphaned;
	spin_unlock(&ipc_lock);
	return n;
}

/* The cap for every process (0: none); returns the previous one. */
size_t ipc_limit_set(size_t bytes)
{
	spin_lock(&ipc_lock);
	size_t old = ipc_limit;
	ipc_limit = bytes;
	spin_unlock(&ipc_lock);
	return old;
}

/* The cap now. */
size_t ipc_limit_get(void)
{
	return ipc_limit;
}
