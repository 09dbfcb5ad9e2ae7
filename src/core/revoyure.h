/*
 * revoyure.h — is a délégant's revoyure called for after the délégué's decision?
 *
 * The national protocols provide that the délégant sees the patient again, the same day or the
 * next, in three cases (follow_up.revoyure.conditions of each protocol file): the patient left
 * the protocol for a reason other than the age, symptoms new to the protocol appeared, or the
 * délégué has a doubt. Not every included patient: an included patient with nothing new and no
 * doubt needs no revoyure. When (the decision day or the next) is the pathway's rule
 * (pathway_revoyure_last_day()); this module says only whether one is called for, and why.
 *
 * Pure: plain facts in, a reason out; no I/O, no allocation.
 */
#ifndef COOP_CORE_REVOYURE_H
#define COOP_CORE_REVOYURE_H

#include <stdbool.h>

#include "core/date.h"

/* Why a revoyure is called for, in the protocols' order; REVOYURE_NOT_CALLED_FOR when not. */
enum revoyure_reason {
	REVOYURE_NOT_CALLED_FOR,
	REVOYURE_EXCLUSION,    /* the patient left the protocol, for a reason other than the age */
	REVOYURE_NEW_SYMPTOMS, /* the délégué noted symptoms new to the protocol */
	REVOYURE_DOUBT,        /* the délégué has a doubt */
};

/* What the rule reads, gathered from the recorded decision. */
struct revoyure_facts {
	bool protocol_has_revoyure; /* the protocol provides for a revoyure */
	bool decided;               /* the délégué's decision is recorded */
	bool reoriented;            /* excluded, or included by an outcome that reorients */
	bool on_age_only;           /* what excludes is the age alone (no criterion fired) */
	bool new_symptoms;          /* noted by the délégué with the decision */
	bool delegue_doubt;         /* noted by the délégué with the decision */
};

/* The first reason, in the order above, for which a revoyure is called for; NOT_CALLED_FOR when
 * the protocol has none, no decision is recorded, or none applies. f must not be NULL. */
enum revoyure_reason revoyure_called_for(const struct revoyure_facts *f);

/* Stable codes "exclusion", "new_symptoms", "doubt"; NULL for NOT_CALLED_FOR or out of range. */
const char *revoyure_reason_code(enum revoyure_reason r);

/* French labels for screens ("Exclusion du protocole (motif autre que l'âge)", "Symptômes
 * nouveaux", "Doute du délégué"); NULL for NOT_CALLED_FOR or out of range. */
const char *revoyure_reason_label_fr(enum revoyure_reason r);

/* How soon a referred patient must see a physician, as the délégants' lists order it. */
enum referral_urgency {
	REFERRAL_NONE,      /* no referral */
	REFERRAL_EMERGENCY, /* "emergency": call the 15 */
	REFERRAL_SAME_DAY,  /* "physician_same_day" */
	REFERRAL_LATER,     /* "physician_later" */
};

/* The stable urgency code ("emergency", "physician_same_day", "physician_later") as an enum;
 * REFERRAL_NONE for NULL or any other text. */
enum referral_urgency referral_urgency_parse(const char *code);

/* What orders a délégant's list: a referral and where it stands. */
struct referral_facts {
	enum referral_urgency urgency;
	coop_date referred_on; /* the day the patient was referred */
	coop_date today;
	bool closed;            /* the episode is closed */
	bool revoyure_recorded; /* a délégant already saw the patient again */
};

/* A délégant's priority for one episode, lowest first: 0 for an emergency referral nobody has
 * seen again yet (not closed, no revoyure, referred today or yesterday), 1 for such a same-day
 * referral, 2 for everything else (a later referral, one already seen, or no referral). f must
 * not be NULL. */
int referral_priority(const struct referral_facts *f);

#endif
