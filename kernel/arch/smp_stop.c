/* Stopping the other harts for a while: the leak scan's rendezvous
 * (kernel/mm/leak.c, docs/memory.md "Leak scan").
 *
 * One hart, with interrupts off and no lock held, raises stop_gen to an
 * odd value and sends every other online hart an IPI. A hart takes the
 * IPI only with interrupts on, and interrupts are on only outside every
 * critical section (spin_lock and the per-hart raw locks turn them off
 * first: spinlock.c, spinlock.h), so a hart parks holding no lock. It
 * saves its callee-saved registers and sp in smp_stopped[] (the trap
 * frame of the interrupted context is on its stack, above that sp) and
 * spins, interrupts still off, until stop_gen changes. A hart that does
 * not park within the bound (it spins for a lock with interrupts off, or
 * it is stuck) makes the stop fail with -EBUSY: the harts that did park
 * are released, nothing waits for ever. A panic on any hart still stops
 * everyone: the parked loop and the stopper's wait both look for it.
 */
#include <kernel/smp.h>
#include <kernel/cpu.h>
#include <kernel/param.h>
#include <kernel/panic.h>
#include <kernel/timer.h>
#include <uapi/errno.h>

struct smp_stopped smp_stopped[NCPU];

static uint32_t stop_owner;            /* 1 + cpus[] index of the stopper, 0: none */
static uint32_t stop_gen;              /* odd while harts are asked to park */

void smp_stop_check(void)
{
	uint32_t g = __atomic_load_n(&stop_gen, __ATOMIC_ACQUIRE);
	int id = cpu_id();
	struct smp_stopped *r = &smp_stopped[id];

	if (!(g & 1) || __atomic_load_n(&stop_owner, __ATOMIC_ACQUIRE) == (uint32_t)id + 1)
		return;
	smp_save_regs(r);
	__atomic_store_n(&r->gen, g, __ATOMIC_RELEASE);
	while (__atomic_load_n(&stop_gen, __ATOMIC_ACQUIRE) == g)
		panic_check();
	__atomic_store_n(&r->gen, 0, __ATOMIC_RELEASE);
}

/* Has every other online hart parked in generation g? */
static bool smp_all_parked(uint32_t g)
{
	for (int i = 0; i < NCPU; i++)
		if (i != cpu_id() && __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&smp_stopped[i].gen, __ATOMIC_ACQUIRE) != g)
			return false;
	return true;
}

int smp_stop_others(unsigned ms)
{
	uint32_t me = (uint32_t)cpu_id() + 1, was = 0;

	if (!__atomic_compare_exchange_n(&stop_owner, &was, me, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return -EBUSY;
	uint32_t g = __atomic_add_fetch(&stop_gen, 1, __ATOMIC_ACQ_REL);
	for (int i = 0; i < NCPU; i++)
		if (i != cpu_id() && cpus[i].online)
			smp_kick(i);
	uint64_t deadline = timer_ms() + ms;
	while (!smp_all_parked(g)) {
		panic_check();
		if (timer_ms() > deadline) {
			smp_release_others();
			return -EBUSY;
		}
	}
	return 0;
}

bool smp_is_stopped(int i)
{
	uint32_t g = __atomic_load_n(&stop_gen, __ATOMIC_ACQUIRE);

	return (g & 1) && __atomic_load_n(&smp_stopped[i].gen, __ATOMIC_ACQUIRE) == g;
}

void smp_release_others(void)
{
	__atomic_add_fetch(&stop_gen, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&stop_owner, 0, __ATOMIC_RELEASE);
}
