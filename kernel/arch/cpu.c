/* The per-hart state array; the boot hart uses cpus[0]. */
#include <kernel/cpu.h>
#include <kernel/param.h>

struct cpu cpus[NCPU];

int ncpu_online = 1;
