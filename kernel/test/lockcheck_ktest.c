/* The lock-order checker fires (explicit ktests: each ends in a panic,
 * checked by tools/testing/scenarios/lockcheck_*.scn). */
#include "ktest.h"
#include <kernel/proc.h>
#include <kernel/ipc.h>
#include "../ipc/ipc_internal.h"   /* ipc_lock: the one lock below proc_lock */

/* ipc_lock ranks below proc_lock: taking it under proc_lock is out of
 * order (ipc_limit_set takes it). */
KTEST_EXPLICIT(lock_order)
{
	spin_lock(&proc_lock);
	ipc_limit_set(ipc_limit_get());
	spin_unlock(&proc_lock);
}

/* Sleeping may hold proc_lock only; ipc_lock is taken in order but still
 * held when the sleep switches away. */
KTEST_EXPLICIT(lock_sleep)
{
	spin_lock(&ipc_lock);
	proc_sleep_ms(10);
	spin_unlock(&ipc_lock);
}
