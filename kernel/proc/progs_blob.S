/* The user program archive, embedded in the kernel image.
 *
 * build/progs.bin is made by user/user.mk (tools/mkprogs); the path is
 * relative to the repository root, where make runs. kernel/proc/progs.c
 * validates it at boot before trusting any of it.
 */
	.section .rodata.progs, "a"
	.balign 16
	.globl progs_start
	.type progs_start, @object
progs_start:
	.incbin "build/progs.bin"
	.globl progs_end
progs_end:
	.size progs_start, progs_end - progs_start
