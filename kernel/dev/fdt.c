/* Flattened device tree (DTB) reader.
 *
 * One pass over the structure block. Properties of a node come before
 * its children (the format requires it), so a node's reg can be decoded
 * with its parent's #address-cells/#size-cells, which are known by then.
 * Each node's interesting properties are gathered and acted on when the
 * node ends, since compatible may follow reg.
 */
#include <kernel/fdt.h>
#include <kernel/bootargs.h>
#include <kernel/param.h>
#include <kernel/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define FDT_MAGIC       0xd00dfeed
#define FDT_BEGIN_NODE  1
#define FDT_END_NODE    2
#define FDT_PROP        3
#define FDT_NOP         4
#define FDT_END         9
#define FDT_MAX_DEPTH   8

struct platform platform;

struct fdt_header {
	uint32_t magic, totalsize, off_dt_struct, off_dt_strings;
	uint32_t off_mem_rsvmap, version, last_comp_version;
	uint32_t boot_cpuid_phys, size_dt_strings, size_dt_struct;
};

/* What we keep of one open node while its properties are read. */
struct node {
	const char *name;
	uint32_t addr_cells, size_cells;   /* for this node's children */
	const uint32_t *reg;               /* raw reg property */
	uint32_t reg_len;
	const char *compat;                /* compatible string list */
	uint32_t compat_len;
	const char *device_type;
	uint32_t phandle;
	uint32_t interrupt_parent;         /* phandle, 0 if not given here */
	uint32_t irq;                      /* first cell of interrupts */
	const uint32_t *irq_ext;           /* interrupts-extended */
	uint32_t irq_ext_len;
	uint32_t reg_shift, ndev;
	uint64_t timebase;
	bool interrupt_controller;
	bool disabled;                     /* status other than "okay" */
};

/* A PLIC seen in the walk: a machine with several sockets (-numa) has
 * one per socket, and only the UART's interrupt parent hears the UART. */
struct plic_seen {
	struct mem_range reg;
	uint32_t phandle, ndev;
	const uint32_t *ext;                       /* interrupts-extended */
	uint32_t ext_len;
};

/* Per-parse state: the open nodes and the boot hart's local interrupt
 * controller (only its phandle matters, so any number of harts, with
 * any ids, is fine). */
struct walk {
	struct node stack[FDT_MAX_DEPTH];
	int depth;
	uint64_t boot_hart;
	uint32_t boot_intc;                        /* its phandle, 0 if not seen */
	uint32_t uart_parent;                      /* the UART's interrupt parent */
	struct plic_seen plics[FDT_MAX_PLICS];     /* deferred: needs boot_intc */
	int nplics;
};

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Read a number of 'cells' 32-bit cells (1 or 2) at p. */
static uint64_t read_cells(const uint32_t *p, uint32_t cells)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < cells; i++)
		v = v << 32 | be32(p + i);
	return v;
}

/* True if the compatible string list of n contains c. */
static bool node_is(const struct node *n, const char *c)
{
	const char *p = n->compat;
	const char *end = p + n->compat_len;
	while (p && p < end) {
		if (strcmp(p, c) == 0)
			return true;
		p += strnlen(p, end - p) + 1;
	}
	return false;
}

/* Decode the first (base, size) pair of n's reg using parent's cells. */
static bool node_reg(const struct node *n, const struct node *parent,
		     struct mem_range *out)
{
	uint32_t ac = parent->addr_cells, sc = parent->size_cells;
	if (!n->reg || ac < 1 || ac > 2 || sc > 2 || n->reg_len < 4 * (ac + sc))
		return false;
	out->base = read_cells(n->reg, ac);
	out->size = sc ? read_cells(n->reg + ac, sc) : 0;
	return true;
}

/* Does the name of n, up to any '@', equal s? */
static bool name_is(const struct node *n, const char *s)
{
	size_t k = strlen(s);
	return strncmp(n->name, s, k) == 0 && (n->name[k] == '\0' || n->name[k] == '@');
}

/* Keep the command line, or as many whole words of it as fit in
 * BOOTARGS_MAX; platform.bootargs_len says how long it really was. */
static void bootargs_take(const char *val, uint32_t len)
{
	size_t n = strnlen(val, len);     /* the property need not end in NUL */
	size_t k = n;

	platform.bootargs_len = n;
	if (k >= BOOTARGS_MAX) {          /* cut before the word that does not fit */
		k = BOOTARGS_MAX - 1;
		while (k > 0 && !bootargs_space(val[k]))
			k--;
		while (k > 0 && bootargs_space(val[k - 1]))
			k--;
	}
	memcpy(platform.bootargs, val, k);
	platform.bootargs[k] = '\0';
}

/* Record one property into the node being read. */
static void prop_take(struct walk *w, struct node *n, const char *name,
		      const uint32_t *val, uint32_t len)
{
	if (!strcmp(name, "#address-cells") && len == 4)
		n->addr_cells = be32(val);
	else if (!strcmp(name, "#size-cells") && len == 4)
		n->size_cells = be32(val);
	else if (!strcmp(name, "reg"))
		n->reg = val, n->reg_len = len;
	else if (!strcmp(name, "compatible"))
		n->compat = (const char *)val, n->compat_len = len;
	else if (!strcmp(name, "device_type"))
		n->device_type = (const char *)val;
	else if (!strcmp(name, "status") && len > 0)
		n->disabled = strcmp((const char *)val, "okay") && strcmp((const char *)val, "ok");
	else if (!strcmp(name, "phandle") && len == 4)
		n->phandle = be32(val);
	else if (!strcmp(name, "interrupt-parent") && len == 4)
		n->interrupt_parent = be32(val);
	else if (!strcmp(name, "interrupts") && len >= 4)
		n->irq = be32(val);
	else if (!strcmp(name, "interrupts-extended"))
		n->irq_ext = val, n->irq_ext_len = len;
	else if (!strcmp(name, "reg-shift") && len == 4)
		n->reg_shift = be32(val);
	else if (!strcmp(name, "riscv,ndev") && len == 4)
		n->ndev = be32(val);
	else if (!strcmp(name, "timebase-frequency") && len >= 4)
		n->timebase = read_cells(val, len >= 8 ? 2 : 1);
	else if (!strcmp(name, "interrupt-controller"))
		n->interrupt_controller = true;
	else if (!strcmp(name, "bootargs") && w->depth == 2 && name_is(n, "chosen"))
		bootargs_take((const char *)val, len);
}

/* Keep every (base, size) pair of a /memory node's reg: a machine with
 * several NUMA nodes lists one node per range. */
static void memory_take(const struct node *n, const struct node *parent)
{
	uint32_t ac = parent->addr_cells, sc = parent->size_cells;
	if (!n->reg || ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return;
	for (uint32_t i = 0; (i + ac + sc) * 4 <= n->reg_len; i += ac + sc) {
		struct mem_range r = { read_cells(n->reg + i, ac),
				       read_cells(n->reg + i + ac, sc) };
		if (r.size == 0 || r.base + r.size < r.base)
			continue;
		if (platform.nram < FDT_MAX_RAM)
			platform.ram[platform.nram] = r;
		platform.nram++;
	}
}

/* Keep a region nobody may use; count it even when there is no room
 * (fdt_parse then refuses the tree: the kernel would hand it out). */
static void reserved_take(struct mem_range r)
{
	if (platform.nreserved < FDT_MAX_RESERVED)
		platform.reserved[platform.nreserved++] = r;
	platform.reserved_seen++;
}

/* A hart the tree lists (status okay): count it, keep the first
 * FDT_MAX_HARTS ids. An id listed twice counts once: starting it
 * twice, or taking the second node's interrupt context, would be wrong. */
static void hart_take(uint64_t id)
{
	for (int i = 0; i < platform.nharts && i < FDT_MAX_HARTS; i++)
		if (platform.hartids[i] == id) {
			kprintf("fdt: hart %lu listed twice: the second ignored\n", id);
			return;
		}
	if (platform.nharts < FDT_MAX_HARTS)
		platform.hartids[platform.nharts] = id;
	platform.nharts++;
}

/* Act on a node whose properties are all read. */
static void node_done(struct walk *w, struct node *n)
{
	int idx = w->depth - 1;                 /* n is stack[idx] */
	struct node *parent = &w->stack[idx - 1];
	struct mem_range r;

	if (n->device_type && !strcmp(n->device_type, "memory"))
		memory_take(n, parent);
	else if (n->device_type && !strcmp(n->device_type, "cpu") &&
		 !n->disabled && node_reg(n, parent, &r))
		hart_take(r.base);
	else if (node_is(n, "ns16550a") && platform.uart.base == 0 &&
		 node_reg(n, parent, &r)) {
		platform.uart = r;
		platform.uart_irq = n->irq;
		platform.uart_shift = n->reg_shift;
		for (int i = idx; i >= 0 && !w->uart_parent; i--)  /* inherited */
			w->uart_parent = w->stack[i].interrupt_parent;
	} else if ((node_is(n, "riscv,plic0") || node_is(n, "sifive,plic-1.0.0")) &&
		   node_reg(n, parent, &r)) {
		if (w->nplics < FDT_MAX_PLICS)
			w->plics[w->nplics++] = (struct plic_seen){ r, n->phandle, n->ndev,
								     n->irq_ext, n->irq_ext_len };
	} else if (node_is(n, "sifive,test0") && node_reg(n, parent, &r))
		platform.test = r;
	else if (node_is(n, "ucb,htif0") && node_reg(n, parent, &r))
		platform.htif = r;

	if (name_is(n, "cpus") && n->timebase)
		platform.timebase = n->timebase;
	/* the boot hart's local interrupt controller: remember its phandle */
	if (n->interrupt_controller && n->phandle && parent->device_type &&
	    !strcmp(parent->device_type, "cpu") && idx >= 2) {
		struct node *grand = &w->stack[idx - 2];
		if (node_reg(parent, grand, &r) && r.base == w->boot_hart && !w->boot_intc)
			w->boot_intc = n->phandle;   /* the first node: see hart_take */
	}
	/* children of /reserved-memory are regions nobody else may use */
	if (idx == 2 && name_is(parent, "reserved-memory") && node_reg(n, parent, &r))
		reserved_take(r);
}

/* The context of PLIC p wired to the boot hart's S-mode external irq,
 * or -1: the PLIC's interrupts-extended lists (intc phandle, irq) per
 * context. */
static int plic_context_of(const struct walk *w, const struct plic_seen *p)
{
	int ctx = -1;
	for (uint32_t i = 0; w->boot_intc && i + 1 < p->ext_len / 4; i += 2) {
		uint32_t ph = be32(p->ext + i), irq = be32(p->ext + i + 1);
		if (ph == w->boot_intc && irq == 9 /* supervisor external interrupt */)
			ctx = (int)(i / 2);
	}
	return ctx;
}

/* Choose the PLIC the UART interrupts through (its interrupt parent);
 * if the tree does not say, the first with a context for the boot hart,
 * else the first. A boot hart on another socket than the UART's PLIC
 * has no context in it: then plic_context is -1 and input is polled.
 * A UART wired to something else (an APLIC) gets no PLIC at all. */
static void plic_choose(struct walk *w)
{
	const struct plic_seen *pick = NULL;

	platform.plic_context = -1;
	for (int i = 0; i < w->nplics && !pick; i++)
		if (w->uart_parent && w->plics[i].phandle == w->uart_parent)
			pick = &w->plics[i];
	for (int i = 0; i < w->nplics && !pick; i++)
		if (!w->uart_parent && plic_context_of(w, &w->plics[i]) >= 0)
			pick = &w->plics[i];
	if (!pick && !w->uart_parent && w->nplics)
		pick = &w->plics[0];
	if (!pick)
		return;
	platform.plic = pick->reg;
	platform.plic_ndev = pick->ndev;
	platform.plic_context = plic_context_of(w, pick);
}

/* Sort the /memory ranges kept by base (a handful: insertion sort). */
static void ram_sort(void)
{
	int n = platform.nram < FDT_MAX_RAM ? platform.nram : FDT_MAX_RAM;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && platform.ram[j].base < platform.ram[j - 1].base; j--) {
			struct mem_range t = platform.ram[j];
			platform.ram[j] = platform.ram[j - 1];
			platform.ram[j - 1] = t;
		}
}

int fdt_ram_pick(uint64_t addr)
{
	int n = platform.nram < FDT_MAX_RAM ? platform.nram : FDT_MAX_RAM;
	uint64_t lo = 0, hi = 0;
	bool found = false;

	ram_sort();
	for (int i = 0; i < n; i++) {      /* runs of adjoining ranges, low to high */
		struct mem_range *r = &platform.ram[i];
		if (i == 0 || r->base > hi) {
			if (found)
				break;
			lo = r->base;
			hi = r->base + r->size;
		} else if (r->base + r->size > hi) {
			hi = r->base + r->size;
		}
		if (addr >= r->base && addr - r->base < r->size)
			found = true;
	}
	platform.mem = (struct mem_range){ 0, 0 };
	if (!found)
		return -ENOENT;
	lo = ALIGN_UP(lo, PAGE_SIZE);
	hi = ALIGN_DOWN(hi, PAGE_SIZE);
	if (hi > lo)
		platform.mem = (struct mem_range){ lo, hi - lo };
	return 0;
}

/* Walk the structure block, filling platform. */
static int fdt_walk(const uint8_t *blob, const struct fdt_header *h, struct walk *w)
{
	const uint8_t *p = blob + be32(&h->off_dt_struct);
	const uint8_t *end = p + be32(&h->size_dt_struct);
	const char *strings = (const char *)blob + be32(&h->off_dt_strings);
	uint32_t strings_size = be32(&h->size_dt_strings);

	w->depth = 0;
	while (p + 4 <= end) {
		uint32_t tok = be32(p);
		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;
			size_t len = strnlen(name, end - p);
			if (p + len >= end || w->depth >= FDT_MAX_DEPTH)
				return -EINVAL;
			p += ALIGN_UP(len + 1, 4);
			struct node *n = &w->stack[w->depth++];
			memset(n, 0, sizeof(*n));
			n->name = name;
			n->addr_cells = 2;   /* the spec's defaults */
			n->size_cells = 1;
		} else if (tok == FDT_END_NODE) {
			if (w->depth == 0)
				return -EINVAL;
			if (w->depth > 1)
				node_done(w, &w->stack[w->depth - 1]);
			w->depth--;
		} else if (tok == FDT_PROP) {
			if (p + 8 > end || w->depth == 0)
				return -EINVAL;
			uint32_t len = be32(p), nameoff = be32(p + 4);
			p += 8;
			if (len > (size_t)(end - p) || nameoff >= strings_size)
				return -EINVAL;
			prop_take(w, &w->stack[w->depth - 1], strings + nameoff,
				  (const uint32_t *)p, len);
			p += ALIGN_UP(len, 4);
		} else if (tok == FDT_NOP) {
			continue;
		} else if (tok == FDT_END) {
			return w->depth == 0 ? 0 : -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	return -EINVAL;
}

/* Add the /memreserve/ entries of the header's reservation map. */
static void fdt_memreserve(const uint8_t *blob, const struct fdt_header *h)
{
	const uint8_t *p = blob + be32(&h->off_mem_rsvmap);
	const uint8_t *end = blob + be32(&h->totalsize);
	for (; p + 16 <= end; p += 16) {
		uint64_t base = (uint64_t)be32(p) << 32 | be32(p + 4);
		uint64_t size = (uint64_t)be32(p + 8) << 32 | be32(p + 12);
		if (size == 0)
			break;
		reserved_take((struct mem_range){ base, size });
	}
}

int fdt_parse(const void *fdt, uint64_t hartid)
{
	static struct walk w;
	const struct fdt_header *h = fdt;

	if (!fdt || ((uintptr_t)fdt & 7)) {
		kprintf("fdt: no device tree (a1 = %p)\n", fdt);
		return -EINVAL;
	}
	if (be32(&h->magic) != FDT_MAGIC) {
		kprintf("fdt: bad magic %x at %p\n", be32(&h->magic), fdt);
		return -EINVAL;
	}
	uint32_t total = be32(&h->totalsize);
	if (be32(&h->version) < 16 || total < sizeof(*h) || total > (1u << 24) ||
	    be32(&h->off_dt_struct) + (uint64_t)be32(&h->size_dt_struct) > total ||
	    be32(&h->off_dt_strings) + (uint64_t)be32(&h->size_dt_strings) > total ||
	    be32(&h->off_mem_rsvmap) >= total) {
		kprintf("fdt: malformed header (version %u, size %u)\n",
			be32(&h->version), total);
		return -EINVAL;
	}
	memset(&platform, 0, sizeof(platform));
	memset(&w, 0, sizeof(w));
	platform.fdt_size = total;
	w.boot_hart = hartid;
	fdt_memreserve(fdt, h);
	if (fdt_walk(fdt, h, &w) < 0) {
		kprintf("fdt: malformed structure block\n");
		return -EINVAL;
	}
	plic_choose(&w);
	if (platform.nram > 0)
		fdt_ram_pick(platform.ram[0].base);    /* main.c picks the kernel's */

	int err = 0;
	if (platform.nram == 0)
		kprintf("fdt: no /memory node\n"), err = -EINVAL;
	else if (platform.mem.size == 0)
		kprintf("fdt: no whole page in the /memory range\n"), err = -EINVAL;
	if (platform.uart.base == 0)
		kprintf("fdt: no ns16550a UART\n"), err = -EINVAL;
	if (platform.timebase == 0)
		kprintf("fdt: no /cpus timebase-frequency\n"), err = -EINVAL;
	else if (platform.timebase < TICK_HZ)    /* a tick of 0 time units: a storm */
		kprintf("fdt: timebase-frequency %lu Hz is below the %d Hz tick\n",
			(unsigned long)platform.timebase, TICK_HZ), err = -EINVAL;
	if (platform.reserved_seen > FDT_MAX_RESERVED)
		kprintf("fdt: %d reserved memory regions, more than the %d the kernel can "
			"keep out of use\n", platform.reserved_seen, FDT_MAX_RESERVED), err = -EINVAL;
	if (platform.plic.base == 0)
		kprintf("fdt: no PLIC\n");
	else if (platform.plic_context < 0)
		kprintf("fdt: PLIC has no S-mode context for hart %lu\n", hartid);
	if (platform.test.base == 0 && platform.htif.base == 0)
		kprintf("fdt: no sifive,test0 device: exit status via SBI only\n");
	if (platform.bootargs_len >= BOOTARGS_MAX) {
		const char *last = NULL;                 /* the last word kept */
		for (const char *p = platform.bootargs; *p; p++)
			if (!bootargs_space(*p) && (p == platform.bootargs || bootargs_space(p[-1])))
				last = p;
		if (last)             /* the end of what is kept: no space follows */
			kprintf("fdt: bootargs are %lu characters, more than the %d taken: "
				"everything after the word \"%s\" is IGNORED\n",
				(unsigned long)platform.bootargs_len, BOOTARGS_MAX - 1, last);
		else
			kprintf("fdt: bootargs are %lu characters, more than the %d taken, "
				"and the first word alone is longer: ALL are IGNORED\n",
				(unsigned long)platform.bootargs_len, BOOTARGS_MAX - 1);
	}
	return err;
}
