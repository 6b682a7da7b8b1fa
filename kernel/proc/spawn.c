/* spawn: build a new process from a program in the archive.
 *
 * Everything the new process needs (owner record, kernel stack, page
 * tables, segments, stack) is allocated for the child's pid, so it is
 * the child's in the page tracker from the first page. Any failure frees
 * the embryo with proc_free(): nothing leaks, nothing is half-built.
 */
#include <kernel/proc.h>
#include "proc_internal.h"
#include <kernel/job.h>
#include <kernel/page.h>
#include <kernel/heap.h>
#include <kernel/uvm.h>
#include <kernel/elf.h>
#include <kernel/progs.h>
#include <kernel/riscv.h>
#include <kernel/fp.h>
#include <lib/string.h>
#include <kernel/printf.h>
#include <uapi/layout.h>
#include <uapi/syscall.h>
#include <uapi/errno.h>

/* Page permissions for an ELF segment's flags. */
static uint64_t seg_perm(uint32_t flags)
{
	return ((flags & ELF_SEG_R) ? PTE_R : 0) | ((flags & ELF_SEG_W) ? PTE_W : 0) |
	       ((flags & ELF_SEG_X) ? PTE_X : 0);
}

/* Map and fill the checked segments of img. */
static int load_segments(struct proc *p, const uint8_t *img, const struct elf_image *ei)
{
	for (int i = 0; i < ei->nsegs; i++) {
		const struct elf_seg *s = &ei->seg[i];
		size_t npages = (ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE) - s->vaddr) / PAGE_SIZE;
		int r = uvm_alloc(p->pagetable, p->pid, s->vaddr, npages, seg_perm(s->flags));
		if (r < 0)
			return r;
		r = uvm_fill(p->pagetable, s->vaddr, img + s->offset, s->filesz);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Build the stack: argv strings at the top, then the pointer array;
 * a0 = argc, a1 = argv, sp 16-byte aligned below them (layout.h). */
static int setup_stack(struct proc *p, int argc, char *const argv[])
{
	int r = uvm_alloc(p->pagetable, p->pid, USER_STACK_BOTTOM, USER_STACK_PAGES,
			  PTE_R | PTE_W);
	if (r < 0)
		return r;
	uintptr_t sp = USER_STACK_TOP;
	uintptr_t ptrs[SPAWN_ARGC_MAX + 1];
	for (int i = argc - 1; i >= 0; i--) {
		size_t len = strlen(argv[i]) + 1;
		sp -= len;
		if (uvm_fill(p->pagetable, sp, argv[i], len) < 0)
			return -E2BIG;
		ptrs[i] = sp;
	}
	ptrs[argc] = 0;
	sp = ALIGN_DOWN(sp - (argc + 1) * sizeof(uintptr_t), 16);
	if (uvm_fill(p->pagetable, sp, ptrs, (argc + 1) * sizeof(uintptr_t)) < 0)
		return -E2BIG;
	p->tf->sp = sp;
	p->tf->a0 = (uint64_t)argc;
	p->tf->a1 = sp;
	return 0;
}

static pid_t spawn_image(const char *name, const void *img, size_t len,
			 int argc, char *const argv[], pid_t ppid, enum spawn_how how,
			 void *scratch);

pid_t proc_spawn(const char *name, int argc, char *const argv[], pid_t ppid)
{
	return proc_spawn_as(name, argc, argv, ppid, SPAWN_INHERIT);
}

pid_t proc_spawn_as(const char *name, int argc, char *const argv[], pid_t ppid,
		    enum spawn_how how)
{
	return proc_spawn_scratch(name, argc, argv, ppid, how, NULL);
}

/* proc_spawn_as, freeing scratch (a kmalloc block holding argv's
 * strings, or NULL) once they are on the child's stack: before the child
 * can run on another hart, so nothing sees the spawn's buffer outlive
 * it; on failure too. */
pid_t proc_spawn_scratch(const char *name, int argc, char *const argv[], pid_t ppid,
			 enum spawn_how how, void *scratch)
{
	const void *img;
	size_t len;

	if (progs_find(name, &img, &len) < 0) {
		kfree(scratch);
		return -ENOENT;
	}
	return spawn_image(name, img, len, argc, argv, ppid, how, scratch);
}

pid_t proc_spawn_image(const char *name, const void *img, size_t len,
		       int argc, char *const argv[], pid_t ppid)
{
	return spawn_image(name, img, len, argc, argv, ppid, SPAWN_INHERIT, NULL);
}

/* Build the process and make it runnable, in the job how says; free
 * scratch (proc_spawn_scratch) before it can run, or on failure. */
static pid_t spawn_image(const char *name, const void *img, size_t len,
			 int argc, char *const argv[], pid_t ppid, enum spawn_how how,
			 void *scratch)
{
	struct elf_image ei;
	int err;

	if (argc < 0 || argc > SPAWN_ARGC_MAX) {
		kfree(scratch);
		return -E2BIG;
	}
	if (elf_check(img, len, &ei) < 0) {
		kprintf("spawn: %s: not a valid program: %s\n", name, ei.reason);
		kfree(scratch);
		return -ENOEXEC;
	}
	struct proc *p = proc_alloc(name, ppid, &err);
	if (!p) {
		kfree(scratch);
		return err;
	}
	page_owner_limit_set(p->pid, page_limit_default());   /* docs/memory.md */

	p->pagetable = uvm_create(p->pid);
	err = p->pagetable ? load_segments(p, img, &ei) : -ENOMEM;
	if (err == 0)
		err = setup_stack(p, argc, argv);
	kfree(scratch);                 /* argv is on the child's stack now */
	if (err < 0) {
		spin_lock(&proc_lock);
		proc_free(p);
		spin_unlock(&proc_lock);
		return err == -EEXIST || err == -EINVAL ? -ENOEXEC : err;
	}
	p->brk_base = p->brk = ei.brk;
	p->tf->sepc = ei.entry;
	/* sret goes to U-mode with interrupts enabled and no FP state */
	p->tf->sstatus = (csr_read(sstatus) & ~(SSTATUS_SPP | SSTATUS_SIE | FP_USER_SSTATUS_OFF)) |
			 SSTATUS_SPIE;
	pid_t pid = p->pid;
	spin_lock(&proc_lock);
	job_place_locked(p, how);    /* before it can run: nobody sees it half-placed */
	proc_set_runnable(p);
	spin_unlock(&proc_lock);
	return pid;
}
