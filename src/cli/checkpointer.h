/*
 * checkpointer.h — the thread of `coop serve --audit-key --checkpoints` that signs checkpoints
 * of the audit chain (store/checkpoint.h): once at start, then whenever CHECKPOINT_EVERY_RECORDS
 * new records were written or CHECKPOINT_EVERY_SECONDS passed with something new, and at stop.
 */
#ifndef COOP_CLI_CHECKPOINTER_H
#define COOP_CLI_CHECKPOINTER_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define CHECKPOINT_EVERY_RECORDS 1000
#define CHECKPOINT_EVERY_SECONDS 60

/* Loads the key, checks the checkpoint file still matches the database (else refuses: the
 * chain was rewritten or cut), signs a first checkpoint and starts the thread. Message in msg. */
enum coop_err checkpointer_start(const char *db_path, const char *key_path,
				 const char *checkpoints_path, int64_t every_records,
				 int64_t every_seconds, char *msg, size_t msg_size);
/* Signs the last checkpoint and stops the thread (call after the last write). */
void checkpointer_stop(void);

#endif
