/*
 * cli.h — the `coop` command's subcommands. Each returns the process exit status
 * (0 success, 1 failure of the checked thing, 2 usage error).
 */
#ifndef COOP_CLI_CLI_H
#define COOP_CLI_CLI_H

#include "base/strbuf.h"
#include "protocol/protocol.h"

int cmd_protocol(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_episode(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Prints the diagnostics of a load as "file:line:col: message" lines on stderr. */
void cli_print_diags(const char *path, const struct protocol_diags *d);

/* Reads a whole file (at most max bytes) into *out (malloc'd, NUL-terminated). Returns 0 or
 * prints a French error on stderr and returns -1. */
int cli_read_file(const char *path, size_t max, char **out, size_t *len);
#endif
