/* The user program archive, embedded in the kernel image.
 *
 * PROGS_ARCHIVE names the archive, made by user/user.mk (tools/mkprogs):
 * the Makefile passes $(B)/progs.bin for the shipping kernel and
 * $(B)/progs-test.bin for the test kernel; the path is relative to the
 * repository root, where make runs. kernel/proc/progs.c validates it at
 * boot before trusting any of it.
 */
	.section .rodata.progs, "a"
	.balign 16
	.globl progs_start
	.type progs_start, @object
progs_start:
	.incbin PROGS_ARCHIVE
	.globl progs_end
progs_end:
	.size progs_start, progs_end - progs_start
