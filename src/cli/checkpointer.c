/*
 * checkpointer.c — the checkpoint thread of `coop serve` (see checkpointer.h). It has its own
 * database connection and reads only; each second it verifies the records written since its
 * last look and signs a checkpoint when one is due. A chain that no longer verifies is never
 * signed: the thread says so on stderr at each look.
 */
#include "cli/checkpointer.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/checkpoint.h"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool running, stop;
	pthread_t thread;
	struct db *db;
	struct audit_key key;
	struct checkpoint_writer writer;
	int64_t every_records, every_seconds;
} cp = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static bool tick(bool force)
{
	char msg[512];
	bool written = false;
	enum coop_err e = checkpoint_writer_tick(&cp.writer, cp.db, (int64_t)time(NULL),
						 cp.every_records, cp.every_seconds, force,
						 &written, msg, sizeof(msg));
	if (e != COOP_OK)
		fprintf(stderr, "coop : point de contrôle du journal d'audit : %s.\n", msg);
	return e == COOP_OK;
}

static void *checkpoint_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cp.lock);
	while (!cp.stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&cp.wake, &cp.lock, &until);
		if (cp.stop)
			break;
		pthread_mutex_unlock(&cp.lock);
		tick(false);
		pthread_mutex_lock(&cp.lock);
	}
	pthread_mutex_unlock(&cp.lock);
	return NULL;
}

enum coop_err checkpointer_start(const char *db_path, const char *key_path,
				 const char *checkpoints_path, int64_t every_records,
				 int64_t every_seconds, char *msg, size_t msg_size)
{
	enum coop_err e = checkpoint_key_load(key_path, &cp.key, msg, msg_size);
	if (e == COOP_OK && !cp.key.has_secret) {
		snprintf(msg, msg_size, "« %s » est une clé publique : il faut la clé secrète",
			 key_path);
		e = ERR_INVALID;
	}
	struct db_options opts = {.create = false, .migrate = false};
	if (e == COOP_OK)
		e = db_open(db_path, &opts, &cp.db, msg, msg_size);
	if (e == COOP_OK)
		e = checkpoint_writer_open(&cp.writer, cp.db, checkpoints_path, &cp.key, msg,
					   msg_size);
	cp.every_records = every_records;
	cp.every_seconds = every_seconds;
	bool written = false;
	if (e == COOP_OK) /* anchor what is there already */
		e = checkpoint_writer_tick(&cp.writer, cp.db, (int64_t)time(NULL), every_records,
					   every_seconds, true, &written, msg, msg_size);
	if (e == COOP_OK) {
		cp.stop = false;
		if (pthread_create(&cp.thread, NULL, checkpoint_loop, NULL) != 0) {
			snprintf(msg, msg_size, "impossible de démarrer les points de contrôle");
			e = ERR_INTERNAL;
		}
	}
	if (e != COOP_OK) {
		db_close(cp.db);
		cp.db = NULL;
		sodium_memzero(&cp.key, sizeof(cp.key));
		return e;
	}
	cp.running = true;
	return COOP_OK;
}

void checkpointer_stop(void)
{
	if (!cp.running)
		return;
	pthread_mutex_lock(&cp.lock);
	cp.stop = true;
	pthread_cond_signal(&cp.wake);
	pthread_mutex_unlock(&cp.lock);
	pthread_join(cp.thread, NULL);
	tick(true); /* the records written since the last one */
	cp.running = false;
	db_close(cp.db);
	cp.db = NULL;
	sodium_memzero(&cp.key, sizeof(cp.key));
}
