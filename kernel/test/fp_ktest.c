/* Tests that the FP unit is off and FP instructions are recognised. */
#include "ktest.h"
#include <kernel/fp.h>
#include <kernel/riscv.h>

KTEST(fp_off_in_kernel)
{
	KT_EQ(csr_read(sstatus) & (SSTATUS_FS | SSTATUS_VS), 0);
}

KTEST(fp_insn_decode)
{
	/* FP: every opcode class, compressed loads/stores, FP CSRs */
	KT_ASSERT(fp_insn(0xf20502d3));    /* fmv.d.x ft5, a0 */
	KT_ASSERT(fp_insn(0x00053287));    /* fld ft5, 0(a0) */
	KT_ASSERT(fp_insn(0x00553027));    /* fsd ft5, 0(a0) */
	KT_ASSERT(fp_insn(0x1a3170c3));    /* fmadd.d */
	KT_ASSERT(fp_insn(0x1a3170c7));    /* fmsub.d */
	KT_ASSERT(fp_insn(0x1a3170cb));    /* fnmsub.d */
	KT_ASSERT(fp_insn(0x1a3170cf));    /* fnmadd.d */
	KT_ASSERT(fp_insn(0x2402));        /* c.fldsp fs0, 0(sp) */
	KT_ASSERT(fp_insn(0xa022));        /* c.fsdsp fs0, 0(sp) */
	KT_ASSERT(fp_insn(0x2000));        /* c.fld fs0, 0(s0) */
	KT_ASSERT(fp_insn(0xa000));        /* c.fsd fs0, 0(s0) */
	KT_ASSERT(fp_insn(0x00302573));    /* csrr a0, fcsr */
	KT_ASSERT(fp_insn(0x00201073));    /* csrw frm, zero */
	KT_ASSERT(fp_insn(0x0010a073));    /* csrs fflags, ra */
	KT_ASSERT(fp_insn(0x0010d073));    /* csrwi fflags, 1 */
	/* not FP: integer, compressed integer, other CSRs, ecall */
	KT_ASSERT(!fp_insn(0x00000000));   /* the all-zero illegal instruction */
	KT_ASSERT(!fp_insn(0x00a50533));   /* add a0, a0, a0 */
	KT_ASSERT(!fp_insn(0x6402));       /* c.ldsp s0, 0(sp) */
	KT_ASSERT(!fp_insn(0xe022));       /* c.sdsp s0, 0(sp) */
	KT_ASSERT(!fp_insn(0x18051073));   /* csrw satp, a0 */
	KT_ASSERT(!fp_insn(0xc0102573));   /* rdtime a0 */
	KT_ASSERT(!fp_insn(0x00000073));   /* ecall */
	KT_ASSERT(!fp_insn(0x00404073));   /* funct3 4 (reserved) on csr 0x004 */
}
