/* Flattened device tree (DTB) reader.
 *
 * One pass over the structure block. Properties of a node come before
 * its children (the format requires it), so a node's reg can be decoded
 * with its parent's #address-cells/#size-cells, which are known by then.
 * Each node's interesting properties are gathered and acted on when the
 * node ends, since compatible may follow reg.
 */
#include <kernel/fdt.h>
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
	uint32_t irq;                      /* first cell of interrupts */
	const uint32_t *irq_ext;           /* interrupts-extended */
	uint32_t irq_ext_len;
	uint32_t reg_shift, ndev;
	uint64_t timebase;
	bool interrupt_controller;
};

/* Per-parse state: the open nodes and the boot hart's local interrupt
 * controller (only its phandle matters, so any number of harts, with
 * any ids, is fine). */
struct walk {
	struct node stack[FDT_MAX_DEPTH];
	int depth;
	uint64_t boot_hart;
	uint32_t boot_intc;                        /* its phandle, 0 if not seen */
	const uint32_t *plic_ext;                  /* deferred: needs boot_intc */
	uint32_t plic_ext_len;
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
		while (k > 0 && val[k] != ' ')
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
	else if (!strcmp(name, "phandle") && len == 4)
		n->phandle = be32(val);
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

/* Act on a node whose properties are all read. */
static void node_done(struct walk *w, struct node *n)
{
	int idx = w->depth - 1;                 /* n is stack[idx] */
	struct node *parent = &w->stack[idx - 1];
	struct mem_range r;

	if (n->device_type && !strcmp(n->device_type, "memory") &&
	    platform.mem.size == 0 && node_reg(n, parent, &r))
		platform.mem = r;
	else if (n->device_type && !strcmp(n->device_type, "cpu") &&
		 node_reg(n, parent, &r)) {
		if (platform.nharts < FDT_MAX_HARTS)   /* count all, keep the first */
			platform.hartids[platform.nharts] = r.base;
		platform.nharts++;
	}
	else if (node_is(n, "ns16550a") && platform.uart.base == 0 &&
		 node_reg(n, parent, &r)) {
		platform.uart = r;
		platform.uart_irq = n->irq;
		platform.uart_shift = n->reg_shift;
	} else if ((node_is(n, "riscv,plic0") || node_is(n, "sifive,plic-1.0.0")) &&
		   node_reg(n, parent, &r)) {
		platform.plic = r;
		platform.plic_ndev = n->ndev;
		w->plic_ext = n->irq_ext;
		w->plic_ext_len = n->irq_ext_len;
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
		if (node_reg(parent, grand, &r) && r.base == w->boot_hart)
			w->boot_intc = n->phandle;
	}
	/* children of /reserved-memory are regions nobody else may use */
	if (idx == 2 && name_is(parent, "reserved-memory") &&
	    platform.nreserved < FDT_MAX_RESERVED && node_reg(n, parent, &r))
		platform.reserved[platform.nreserved++] = r;
}

/* Find the PLIC context wired to the boot hart's S-mode external irq:
 * the PLIC's interrupts-extended lists (intc phandle, irq) per context. */
static void plic_find_context(struct walk *w)
{
	platform.plic_context = -1;
	for (uint32_t i = 0; w->boot_intc && i + 1 < w->plic_ext_len / 4; i += 2) {
		uint32_t ph = be32(w->plic_ext + i), irq = be32(w->plic_ext + i + 1);
		if (ph == w->boot_intc && irq == 9 /* supervisor external interrupt */)
			platform.plic_context = (int)(i / 2);
	}
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
		if (platform.nreserved < FDT_MAX_RESERVED)
			platform.reserved[platform.nreserved++] = (struct mem_range){ base, size };
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
	plic_find_context(&w);

	int err = 0;
	if (platform.mem.size == 0)
		kprintf("fdt: no /memory node\n"), err = -EINVAL;
	if (platform.uart.base == 0)
		kprintf("fdt: no ns16550a UART\n"), err = -EINVAL;
	if (platform.timebase == 0)
		kprintf("fdt: no /cpus timebase-frequency\n"), err = -EINVAL;
	if (platform.plic.base == 0)
		kprintf("fdt: no PLIC\n");
	else if (platform.plic_context < 0)
		kprintf("fdt: PLIC has no S-mode context for hart %lu\n", hartid);
	if (platform.test.base == 0 && platform.htif.base == 0)
		kprintf("fdt: no sifive,test0 device: exit status via SBI only\n");
	if (platform.bootargs_len >= BOOTARGS_MAX) {
		const char *last = platform.bootargs;    /* the last word kept */
		for (const char *p = last; *p; p++)
			if (p[0] == ' ' && p[1])
				last = p + 1;
		kprintf("fdt: bootargs are %lu characters, more than the %d taken: "
			"everything after the word \"%s\" is IGNORED\n",
			(unsigned long)platform.bootargs_len, BOOTARGS_MAX - 1, last);
	}
	return err;
}
