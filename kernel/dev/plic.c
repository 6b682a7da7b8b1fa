/* Platform-level interrupt controller: route device irqs to this hart.
 *
 * Register layout from the RISC-V PLIC specification; the base, the
 * number of sources and the boot hart's S-mode context come from the
 * device tree.
 */
#include <kernel/dev.h>

#define PLIC_PRIORITY(irq)      (4 * (irq))
#define PLIC_ENABLE(ctx)        (0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx)     (0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx)         (0x200004 + 0x1000 * (ctx))

static uintptr_t plic_base;
static int plic_ctx = -1;
static uint32_t plic_ndev;

static inline volatile uint32_t *reg(uintptr_t off)
{
	return (volatile uint32_t *)(plic_base + off);
}

/* Remember the PLIC; accept every priority above 0 on our context. */
void plic_init(uintptr_t base, int context, uint32_t ndev)
{
	plic_base = base;
	plic_ctx = context;
	plic_ndev = ndev;
	if (plic_base && plic_ctx >= 0)
		*reg(PLIC_THRESHOLD(plic_ctx)) = 0;
}

/* Let irq interrupt this hart; false if the PLIC has no such source
 * (or no context for us), so the caller can do without it. */
bool plic_enable(uint32_t irq)
{
	if (!plic_base || plic_ctx < 0 || irq == 0 || (plic_ndev && irq > plic_ndev))
		return false;
	*reg(PLIC_PRIORITY(irq)) = 1;
	*reg(PLIC_ENABLE(plic_ctx) + 4 * (irq / 32)) |= 1u << (irq % 32);
	return true;
}

/* Which irq is pending for us (0 for none). */
uint32_t plic_claim(void)
{
	if (!plic_base || plic_ctx < 0)
		return 0;
	return *reg(PLIC_CLAIM(plic_ctx));
}

void plic_complete(uint32_t irq)
{
	*reg(PLIC_CLAIM(plic_ctx)) = irq;
}
