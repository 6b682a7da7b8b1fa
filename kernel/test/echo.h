/* Boot mode "echo" (console_input.scn): read console lines and say what
 * arrived, one "echo: line '...'" each; the line "quit" powers off. */
#ifndef RVOS_KERNEL_TEST_ECHO_H
#define RVOS_KERNEL_TEST_ECHO_H

void echo_loop(void) __attribute__((noreturn));

#endif
