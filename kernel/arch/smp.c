/* Every hart runs: bringing up the harts the device tree lists, and the
 * inter-processor interrupts between them (docs/smp.md).
 *
 * The boot hart is cpus[0], whatever its id. Once the kernel is set up
 * (paging, the process table, its own tick), smp_boot() asks OpenSBI's
 * HSM extension to start each other hart, one at a time, at
 * secondary_start (entry.S) with its struct cpu, and waits for it to
 * join: a hart that cannot be started, or does not come up in time, is
 * reported and the rest carry on without it. A started hart sets up its
 * own trap vector, paging and tick, and enters the scheduler.
 *
 * IPIs are supervisor software interrupts sent through the SBI IPI
 * extension. They carry no message: the receiver clears the interrupt
 * and looks at shared state, so a kick means "look again" (the idle loop
 * takes the next process, a running process sees that it was killed)
 * and, once a panic has begun, "stop".
 */
#include <kernel/smp.h>
#include <kernel/cpu.h>
#include <kernel/param.h>
#include <kernel/riscv.h>
#include <kernel/sbi.h>
#include <kernel/fdt.h>
#include <kernel/trap.h>
#include <kernel/timer.h>
#include <kernel/vm.h>
#include <kernel/page.h>
#include <kernel/tag.h>
#include <kernel/proc.h>
#include <kernel/panic.h>
#include <kernel/printf.h>

#define HART_UP_MS 2000       /* how long a started hart may take to join */

extern char secondary_start[];

extern char boot_stack_top[];
uintptr_t smp_stack_top[NCPU] = { (uintptr_t)boot_stack_top };

/* The hart being started, for entry.S's late_entry. */
struct cpu *hart_starting;

/* Why a hart did not join; what smp_boot reports. */
enum { HART_STARTING = 1, HART_NO_MMU };

/* A started hart: the kernel's paging, its own trap vector and tick,
 * then the scheduler. Entered from secondary_start with tp = c. */
void smp_hart_main(uint64_t hartid, struct cpu *c);

void smp_hart_main(uint64_t hartid, struct cpu *c)
{
	(void)hartid;
	trap_init();
	vm_enable();
	if (csr_read(satp) != MAKE_SATP(kernel_pagetable)) {
		__atomic_store_n(&c->start_error, HART_NO_MMU, __ATOMIC_RELEASE);
		sbi_hart_stop();
		for (;;)
			wfi();
	}
	timer_start_hart();
	__atomic_fetch_add(&ncpu_online, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	scheduler();
}

/* Start hart hartid as cpus[id]. True if cpus[id] is now that hart's:
 * it joined, or it was started but is late (it may join any time, so the
 * slot stays its own); false if the slot is free again. */
static bool hart_start(uint64_t hartid, int id)
{
	struct cpu *c = &cpus[id];
	void *stack = page_alloc(KSTACK_ORDER, 0, TAG_KSTK);

	if (!stack) {
		kprintf("rvos: hart %lu not started: no memory for its stack\n", hartid);
		return false;
	}
	c->id = id;
	c->hartid = hartid;
	c->kstack_top = (uintptr_t)stack + KSTACK_PAGES * PAGE_SIZE;
	smp_stack_top[id] = c->kstack_top;
	c->start_error = HART_STARTING;
	hart_starting = c;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	long err = sbi_hart_start(hartid, (uintptr_t)secondary_start, (uintptr_t)c);
	if (err) {
		kprintf("rvos: hart %lu not started: SBI error %ld\n", hartid, err);
		page_free(stack, 0);
		smp_stack_top[id] = 0;
		return false;
	}
	uint64_t deadline = timer_ms() + HART_UP_MS;
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
		int why = __atomic_load_n(&c->start_error, __ATOMIC_ACQUIRE);
		if (why == HART_NO_MMU) {
			kprintf("rvos: hart %lu stopped: it has no Sv39 MMU\n", hartid);
			page_free(stack, 0);
			smp_stack_top[id] = 0;
			return false;
		}
		if (timer_ms() > deadline) {
			/* it may still come up; its stack stays its own */
			kprintf("rvos: hart %lu started but not up after %d ms: going on "
				"without it\n", hartid, HART_UP_MS);
			return true;
		}
	}
	return true;
}

void smp_boot(void)
{
	int next = 1, left = 0;

	if (platform.nharts > 1 && (!sbi_has_hsm() || !sbi_has_ipi())) {
		kprintf("rvos: the firmware has no SBI %s extension: running on the "
			"boot hart only\n", sbi_has_hsm() ? "IPI" : "HSM");
		platform.nharts = 1;
	}
	for (int i = 0; i < platform.nharts && i < FDT_MAX_HARTS; i++) {
		uint64_t id = platform.hartids[i];
		if (id == cpus[0].hartid)
			continue;
		if (next == NCPU) {       /* no hart_start after this: one line */
			if (!left++)
				kprintf("rvos: the kernel drives at most %d harts (NCPU); "
					"left stopped:", NCPU);
			kprintf(" %lu", id);
			continue;
		}
		if (hart_start(id, next))
			next++;
	}
	if (left)
		kprintf("\n");
	if (platform.nharts > FDT_MAX_HARTS)
		kprintf("rvos: %d more harts left stopped: the device tree lists %d\n",
			platform.nharts - FDT_MAX_HARTS, platform.nharts);
	kprintf("rvos: %d hart%s running:", ncpu_online, ncpu_online == 1 ? "" : "s");
	for (int i = 0; i < NCPU; i++)
		if (cpus[i].online)
			kprintf(" %lu", cpus[i].hartid);
	kprintf(" (boot hart %lu)\n", cpus[0].hartid);
}

void smp_kick(int id)
{
	if (id != cpu_id())
		sbi_send_ipi(cpus[id].hartid);
}

void smp_ipi(void)
{
	csr_clear(sip, SIE_SSIE);
	panic_check();
	smp_stop_check();
}
