/* Everything a user program needs: #include <rvos.h>.
 *
 * A program is user/NAME.c with a main(argc, argv); its return value is
 * its exit code. docs/programs.md describes the library.
 */
#ifndef RVOS_USER_RVOS_H
#define RVOS_USER_RVOS_H

#include <lib/types.h>    /* uint64_t, bool, ARRAY_SIZE, MIN, ...: shared with the kernel */
#include <lib/string.h>   /* memcpy, strlen, ...: lib/string.c, shared with the kernel */
#include <rvos/sys.h>
#include <rvos/stdio.h>
#include <rvos/malloc.h>
#include <rvos/parse.h>
#include <rvos/chan.h>

#endif
