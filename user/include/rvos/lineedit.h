/* The line editor of the user library (user/lib/lineedit.c).
 *
 * line_read reads one line from the raw console, echoing it and taking
 * editing keys: backspace or DEL erase, ^U kills the line, ^C abandons
 * it (the line comes back empty), the arrows walk the history, escape
 * sequences and terminal strings are ignored whole without losing the
 * key after them. It returns 0, or -1 if the console fails. A line
 * longer than LINE_MAX characters comes back with too_long set. The
 * history is what the caller gives history_add.
 */
#ifndef RVOS_USER_LINEEDIT_H
#define RVOS_USER_LINEEDIT_H

#include <rvos.h>

#define LINE_MAX     256     /* longest line, in characters */
#define HISTORY_MAX  32      /* lines kept for the arrow keys */

/* The line being edited. */
struct line {
	char buf[LINE_MAX + 1];
	size_t len;
	bool too_long;           /* characters were refused: Enter runs nothing */
	int back;                /* 0: a new line; n: history entry n shown */
	char draft[LINE_MAX + 1];  /* the new line, kept while browsing */
};

int line_read(struct line *l);

/* Remember a line, unless it is empty or repeats the last one; the
 * entry back lines ago (1 = the most recent) or NULL; how many. */
void history_add(const char *s);
const char *history_get(int back);
int history_count(void);

#endif
