/* Everything a user program needs: #include <rvos.h>.
 *
 * A program is user/NAME.c with a main(argc, argv); its return value is
 * its exit code. docs/programs.md describes the library.
 */
#ifndef RVOS_USER_RVOS_H
#define RVOS_USER_RVOS_H

#include <kernel/string.h>   /* memcpy, strlen, ...: kernel/lib/string.c, shared */
#include <rvos/sys.h>
#include <rvos/stdio.h>
#include <rvos/malloc.h>
#include <rvos/parse.h>
#include <rvos/chan.h>

#endif
