/* Per-process charges for kernel heap that IPC holds for a process, and
 * the cap on them (docs/ipc.md, "Limits per process").
 *
 * Charged to a process: the channels it creates (chan_create, 128-byte
 * blocks), the messages it sent that are still queued (their heap
 * blocks), and its handle table (512 bytes). A charge is released when
 * that memory is freed, whoever frees it and even if the process has
 * exited by then: the object records the slot and pid it charged, and a
 * release for a pid that no longer owns the slot changes nothing (the
 * counter was reset when that process exited). Over the cap a charge
 * fails: the caller returns -ENOMEM and TAG_IPC's fail counter grows.
 *
 * Locking: ipc_lock guards every record.
 */
#include "ipc_internal.h"
#include <kernel/heap.h>
#include <kernel/tag.h>
#include <uapi/errno.h>

struct ipc_charge {
	pid_t pid;              /* the process the bytes belong to, 0: none */
	size_t bytes;           /* charged now */
};

static struct ipc_charge charges[PROC_MAX];
static size_t ipc_limit = IPC_PROC_LIMIT_DEFAULT;

/* The heap block kmalloc(size) takes: a power of two with its header. */
size_t ipc_block_bytes(size_t size)
{
	size_t b = HEAP_MIN_BLOCK;
	while (b < size + HEAP_HDR_SIZE)
		b <<= 1;
	return b;
}

/* The record of p, reset if the slot has a new process. */
static struct ipc_charge *charge_of(struct proc *p)
{
	struct ipc_charge *c = &charges[p - proc_table];
	if (c->pid != p->pid) {
		c->pid = p->pid;
		c->bytes = 0;
	}
	return c;
}

/* Charge bytes to p: the slot charged + 1 (record it with p's pid to
 * uncharge later), 0 if nothing was charged (a kernel thread), or
 * -ENOMEM, counted under IPC_, over p's cap. */
int ipc_charge_locked(struct proc *p, size_t bytes)
{
	if (!p || p->kthread)
		return 0;
	struct ipc_charge *c = charge_of(p);
	if (ipc_limit && c->bytes + bytes > ipc_limit) {
		tag_charge_fail(TAG_IPC);
		return -ENOMEM;
	}
	c->bytes += bytes;
	return (int)(p - proc_table) + 1;
}

/* Give back bytes that ipc_charge_locked charged to (slot, pid); nothing
 * if slot is 0 or pid has exited since. */
void ipc_uncharge_locked(unsigned slot, pid_t pid, size_t bytes)
{
	if (slot) {
		struct ipc_charge *c = &charges[slot - 1];
		if (c->pid == pid)
			c->bytes -= bytes;
	}
}

/* p is exiting: whatever is still charged to it is no longer counted. */
void ipc_charge_exit(struct proc *p)
{
	spin_lock(&ipc_lock);
	charges[p - proc_table].pid = 0;
	charges[p - proc_table].bytes = 0;
	spin_unlock(&ipc_lock);
}

/* Bytes charged to p now. */
size_t ipc_charged(struct proc *p)
{
	spin_lock(&ipc_lock);
	struct ipc_charge *c = &charges[p - proc_table];
	size_t n = c->pid == p->pid ? c->bytes : 0;
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
