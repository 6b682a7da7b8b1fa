/* Floating point is off for everyone: turning it off, and recognising
 * the instructions that need it (include/kernel/fp.h). */
#include <kernel/fp.h>
#include <kernel/riscv.h>

/* Turn the FP (and vector) unit off on this hart. OpenSBI hands over
 * with FS = Dirty; from here on every trap frame saves FS = Off. */
void fp_off(void)
{
	csr_clear(sstatus, SSTATUS_FS | SSTATUS_VS);
}

/* Major opcodes (bits 6..0) of the 32-bit FP instructions. */
#define OP_LOAD_FP   0x07
#define OP_STORE_FP  0x27
#define OP_MADD      0x43
#define OP_MSUB      0x47
#define OP_NMSUB     0x4b
#define OP_NMADD     0x4f
#define OP_FP        0x53
#define OP_SYSTEM    0x73

/* FP CSRs: fflags, frm, fcsr. */
#define CSR_FFLAGS   0x001
#define CSR_FCSR     0x003

/* Does this instruction need FP state? Compressed ones are C.FLD, C.FSD,
 * C.FLDSP, C.FSDSP (RV64); 32-bit ones are the FP opcodes and CSR
 * instructions on fflags, frm and fcsr. */
bool fp_insn(uint32_t insn)
{
	if ((insn & 3) != 3) {
		uint32_t quadrant = insn & 3, funct3 = (insn >> 13) & 7;
		return (quadrant == 0 || quadrant == 2) && (funct3 == 1 || funct3 == 5);
	}
	switch (insn & 0x7f) {
	case OP_LOAD_FP: case OP_STORE_FP:
	case OP_MADD: case OP_MSUB: case OP_NMSUB: case OP_NMADD:
	case OP_FP:
		return true;
	case OP_SYSTEM: {
		uint32_t funct3 = (insn >> 12) & 7, csr = insn >> 20;
		return funct3 != 0 && funct3 != 4 && csr >= CSR_FFLAGS && csr <= CSR_FCSR;
	}
	default:
		return false;
	}
}
