/* Switching the heap debugging modes: the flag word, the bootarg
 * mm_debug=..., syscall 38 (mmdebug) and the heap caches' depth
 * (include/kernel/mm_debug.h; docs/memory.md, "Poison, redzones and
 * guard pages").
 *
 * Every mode may be switched at run time: poison switched on first
 * poisons every free block under heap.lock, so no block is checked that
 * was not poisoned; a redzone is checked only on blocks marked with one
 * (MM_REQ_REDZONE); a guard block is known by its address whatever the
 * flags. Switches are serialised by mm_debug_busy (a second caller gets
 * -EBUSY), as the cache drain must run with no lock held.
 */
#include "heap_internal.h"
#include <kernel/mm_debug.h>
#include <kernel/mm_audit.h>
#include <kernel/bootargs.h>
#include <kernel/printf.h>
#include <kernel/proc.h>
#include <kernel/uvm.h>
#include <kernel/tag.h>
#include <kernel/syscall.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/errno.h>

unsigned mm_debug_flags;
static int mm_debug_busy;

#define MM_DEBUG_SPEC_MAX 128   /* bytes of a spec, with its NUL */
#define MM_DEBUG_WORD_MAX 24

/* Heap caches off while any mode is on, at their default otherwise. */
void mm_debug_caches_update(void)
{
	heap_cache_set_depth(mm_debug_on(~0u) ? 0 : HEAP_CACHE_DEPTH);
}

/* A parsed spec: the flags asked on and off, and guard's choice. */
struct mm_debug_req {
	unsigned on, off;
	int guard_tag;                  /* -1: none given */
	unsigned guard_every;           /* 0: none given */
	unsigned audit_events;          /* audit=N: the ring's events */
};

/* Parse the word w[0..len) into r; 0 or -EINVAL. */
static int mm_debug_word(const char *w, size_t len, struct mm_debug_req *r)
{
	char word[MM_DEBUG_WORD_MAX];
	bool neg = len && w[0] == '-';
	unsigned *to = neg ? &r->off : &r->on;

	if (neg)
		w++, len--;
	if (!len || len >= sizeof(word))
		return -EINVAL;
	memcpy(word, w, len);
	word[len] = 0;
	if (!strcmp(word, "poison"))
		*to |= MM_DBG_POISON;
	else if (!strcmp(word, "redzone"))
		*to |= MM_DBG_REDZONE;
	else if (neg && !strcmp(word, "guard"))
		*to |= MM_DBG_GUARD;
	else if (!neg && !strncmp(word, "guard=1/", 8) && word[8]) {
		unsigned long n = 0;
		for (const char *c = word + 8; *c; c++) {
			if (*c < '0' || *c > '9' || n > 1000000)
				return -EINVAL;
			n = n * 10 + (unsigned)(*c - '0');
		}
		if (!n)
			return -EINVAL;
		*to |= MM_DBG_GUARD;
		r->guard_every = (unsigned)n;
		r->guard_tag = -1;
	} else if (!neg && !strncmp(word, "guard=", 6)) {
		int t = tag_lookup(word + 6);
		if (t < 0)
			return -EINVAL;
		*to |= MM_DBG_GUARD;
		r->guard_tag = t;
		r->guard_every = 0;
	}
	else if (!strcmp(word, "audit"))       /* mm_audit.h: the history */
		*to |= MM_DBG_AUDIT;
	else if (!neg && !strncmp(word, "audit=", 6) && word[6]) {
		unsigned long n = 0;
		for (const char *c = word + 6; *c; c++) {
			if (*c < '0' || *c > '9' || n > MM_AUDIT_MAX)
				return -EINVAL;
			n = n * 10 + (unsigned)(*c - '0');
		}
		if (n < MM_AUDIT_MIN || n > MM_AUDIT_MAX)
			return -EINVAL;
		*to |= MM_DBG_AUDIT;
		r->audit_events = (unsigned)n;
	} else
		return -EINVAL;
	return 0;
}

/* Is c a separator of a spec's words? */
static bool mm_debug_sep(char c)
{
	return c == ',' || bootargs_space(c);
}

/* Switch the modes spec asks for (mm_debug.h). */
long mm_debug_set(const char *spec, const char **bad, char *out, size_t n)
{
	struct mm_debug_req r = { .guard_tag = -1, .audit_events = MM_AUDIT_DEFAULT };
	unsigned was, now;
	int rc = 0;

	for (const char *s = spec; *s; ) {
		size_t len = 0;
		while (mm_debug_sep(*s))
			s++;
		while (s[len] && !mm_debug_sep(s[len]))
			len++;
		if (len && mm_debug_word(s, len, &r) < 0) {
			if (bad)
				*bad = s;
			return -EINVAL;
		}
		s += len;
	}
	if (__atomic_exchange_n(&mm_debug_busy, 1, __ATOMIC_ACQUIRE))
		return -EBUSY;
	if ((r.on & MM_DBG_GUARD) && mm_guard_select(r.guard_tag, r.guard_every) < 0) {
		rc = -ENOMEM;           /* no page for the guard window's tables */
		goto out;
	}
	/* audit keeps its own bit (mm_audit_enable/disable: its ring is
	 * taken first); the other bits are stored here */
	if ((r.on & MM_DBG_AUDIT) && (rc = mm_audit_enable(r.audit_events)) < 0)
		goto out;
	if (r.off & MM_DBG_AUDIT)
		mm_audit_disable();
	r.on &= ~MM_DBG_AUDIT;
	r.off &= ~MM_DBG_AUDIT;
	was = mm_debug_flags;
	now = (was | r.on) & ~r.off;
	if (now && !was)
		heap_cache_set_depth(0);        /* drain before any hook runs */
	spin_lock(&heap.lock);
	if ((now & ~was) & MM_DBG_POISON)
		mm_poison_free_blocks();
	__atomic_or_fetch(&mm_debug_flags, r.on, __ATOMIC_RELAXED);
	__atomic_and_fetch(&mm_debug_flags, ~r.off, __ATOMIC_RELAXED);
	spin_unlock(&heap.lock);
	mm_debug_caches_update();
out:
	__atomic_store_n(&mm_debug_busy, 0, __ATOMIC_RELEASE);
	if (out)
		mm_debug_describe(out, n);
	return rc ? rc : (long)mm_debug_flags;
}

/* The modes on, as the words that switch them on (mm_debug.h). */
void mm_debug_describe(char *out, size_t n)
{
	unsigned f = mm_debug_flags;
	char guard[24] = "";
	size_t len;

	if (f & MM_DBG_GUARD)
		mm_guard_describe(guard, sizeof(guard));
	snprintf(out, n, "%s%s%s%s%s", f & MM_DBG_AUDIT ? "audit," : "",
		 f & MM_DBG_POISON ? "poison," : "", f & MM_DBG_REDZONE ? "redzone," : "",
		 guard, guard[0] ? "," : "");
	len = strlen(out);
	if (!len)
		snprintf(out, n, "off");
	else
		out[len - 1] = 0;       /* the last comma */
}

/* mm_debug=WORD,...: switch the modes at boot; report what is refused. */
void mm_debug_boot(void)
{
	char val[MM_DEBUG_SPEC_MAX], now[64];
	const char *list = val, *w, *bad;
	size_t len;

	mm_guard_boot();
	if (!bootarg("mm_debug", val, sizeof(val)))
		return;
	while ((w = bootarg_list_next(&list, &len))) {
		char one[MM_DEBUG_WORD_MAX + 1];
		if (!len)
			continue;
		if (len >= sizeof(one) - 1) {
			kprintf("mm_debug: word \"%.*s\" too long: ignored\n", (int)len, w);
			continue;
		}
		memcpy(one, w, len);
		one[len] = 0;
		if (mm_debug_set(one, &bad, NULL, 0) < 0)
			kprintf("mm_debug: unknown word \"%s\": ignored\n", one);
	}
	mm_debug_describe(now, sizeof(now));
	kprintf("mm_debug: %s (heap caches %s)\n", now,
		mm_debug_flags ? "off" : "on");
}

/* mmdebug(spec, out, len): switch the modes spec asks for; describe them
 * in out if it is not NULL. The new flags, -EINVAL (an unknown word, a
 * bad tag), -EFAULT, -E2BIG (spec too long), -EBUSY: nothing changed. */
long sys_mmdebug(struct trapframe *tf)
{
	struct proc *p = proc_current();
	char spec[MM_DEBUG_SPEC_MAX], now[64];
	long rc = uvm_copyinstr(p->pagetable, spec, tf->a0, sizeof(spec));

	if (rc < 0)
		return rc;
	if (tf->a1 && tf->a2 && uvm_copyout(p->pagetable, tf->a1, "", 1) < 0)
		return -EFAULT;         /* before anything changes */
	rc = mm_debug_set(spec, NULL, now, sizeof(now));
	if (rc >= 0 && tf->a1 && tf->a2) {
		size_t n = MIN((size_t)tf->a2, strlen(now) + 1);
		now[n - 1] = 0;
		if (uvm_copyout(p->pagetable, tf->a1, now, n) < 0)
			return -EFAULT;
	}
	return rc;
}
