/* What the parts of `mem` share: user/mem.c (main, the summary, raw,
 * sites, buddy and per-process views) and user/mem/NAME.c, one file per
 * further view. user/user.mk links every user/P/NAME.c into program P. */
#ifndef RVOS_USER_MEM_H
#define RVOS_USER_MEM_H

#include <rvos.h>
#include <rvos/sysinfo.h>
#include <uapi/tags.h>

/* Everything a MEMSTAT reply holds (memstat_read). */
struct memstat {
	struct si_heap heap;
	struct si_pages pages;
	struct si_tag tags[SI_TAGS_MAX];
	int ntags;
	struct si_proc procs[SI_PROCS_MAX];
	int nprocs;
	struct si_harts harts;
};

extern struct memstat ms;

/* Send a request on a new channel to sysinfo; the handle or -E*
 * (reported). */
int si_open(int kind, int arg);

/* si_open with the request's reserved word (SI_REQ_AUDIT, SI_REQ_WHATIS). */
int si_open_ex(int kind, int arg, unsigned reserved);

/* Say how a reply ended badly; 1 if it did, 0 if it was fine. */
int si_failed(int type, struct si_reader *rd);

/* Read a MEMSTAT reply into ms, replacing what it held, processes by
 * pid. 0 or 1 (reported). */
int memstat_read(void);

/* Has this tag ever been used (or is it ????, always shown)? */
int tag_shown(const struct si_tag *t);

/* Sort ms.tags largest first: heap bytes, then pages, then peak. */
void tags_sort(void);

/* Longest size_text: "18446744073709551615 B" and a NUL fit. */
#define SIZE_TEXT_LEN  24

/* Bytes as "768 B", "12 KiB" or "3 MiB": the larger unit once bytes
 * reach min of it (10 keeps two digits: "1536 B"; 1 for block sizes,
 * which are powers of two: "4 KiB"). The one size formatter of mem. */
const char *size_text(char buf[SIZE_TEXT_LEN], uint64_t bytes, uint64_t min);

/* A NUL-terminated copy of a record's fixed-size name field fits in
 * NAME_BUF(field); tag names are TAG_NAME_LEN bytes. */
#define NAME_BUF(field)  (sizeof(field) + 1)
#define TAG_BUF          (TAG_NAME_LEN + 1)

/* mem -D [SPEC] (user/mem/debug.c): argv[2..] are the spec's words. */
int mem_debug(int argc, char **argv);
/* user/mem/audit.c: -a [TAG|PID] [-n COUNT] (argv: the words after -a)
 * and -x ADDR. The exit status. */
int show_audit(int argc, char **argv);
int show_whatis(const char *addr);

/* mem -l (user/mem/leak.c): run a leak scan and print what it found. */
int show_leaks(void);

/* term.c: what is at the other end of the console (a cursor position
 * request a terminal answers), and keys read with a time limit. */
#define TERM_NONE   0          /* no answer: a log or a pipe */
#define TERM_ASCII  1          /* a terminal that does not show UTF-8 */
#define TERM_UTF8   2
int term_probe(void);
int term_key(long ms);         /* a key, 0: none (or an escape sequence), -E* */

/* history.c: -H [-A | -r] [TAG]; watch.c: -w [SECONDS] [-p]. The option's
 * arguments after the flag; usage and exit 2 for bad ones. */
int mem_history(int argc, char **argv);
int mem_watch(int argc, char **argv);

#endif
