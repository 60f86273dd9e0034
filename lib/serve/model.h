/* model.h: a model as a server holds it, and the slot requests take it from.
 *
 * An rs_srv_model is everything a request needs, opened once: the bundle,
 * its scorer, the id maps both ways, the titles.  It is immutable after
 * rs_srv_model_open and reference-counted (atomically): a request takes a
 * reference from the slot, answers from that model alone, and drops it, so
 * a reload or a refit can put a new model in the slot at any moment while
 * requests in flight finish on the old one, which is freed by whoever drops
 * its last reference.  No answer ever mixes two models.
 *
 * A refitted model's bundle borrows the training matrix (and id maps) of
 * the model it was fitted from instead of copying it: it then holds a
 * reference to the model that owns that memory (its root). */
#ifndef RS_SRV_MODEL_H
#define RS_SRV_MODEL_H
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "common/err.h"
#include "common/idmap.h"
#include "format/bundle.h"
#include "format/csr.h"
#include "score/scorer.h"

/* Seconds spent in each phase of making a model (0 when not done). */
typedef struct rs_srv_phases {
    double read, fit, open, titles;
} rs_srv_phases;

typedef struct rs_srv_model {
    atomic_long refs;
    struct rs_srv_model *root;  /* owner of memory b's blocks point into, or NULL */
    rs_bundle b;
    rs_scorer *s;
    const char *kind;           /* rs_scorer_kind */
    const rs_csr *train;        /* users x items, the scorer's */
    rs_idmap *users, *items;
    const char **uname, **iname;    /* ids by dense index */
    char **titles;              /* by item index (entries may be NULL), or NULL */
    uint32_t titled;            /* items with a title */
    uint64_t version;           /* 1 for the first model, +1 for each swap */
    size_t bytes;               /* payload bytes of the bundle's blocks */
    rs_srv_phases t;
    char source[160];           /* "FILE" or "refit of FILE: k=50" */
} rs_srv_model;

/* Open the model in b (taken over: b is emptied, also on failure) as kind
 * (NULL: b's meta model=), with titles from titles_path (or NULL).  root:
 * the model whose memory b's blocks borrow, or NULL; a reference to it is
 * taken.  The result has one reference. */
rs_srv_model *rs_srv_model_open(rs_bundle *b, const char *kind, rs_srv_model *root,
                                const char *titles_path, rs_err *e);
/* Load path (mapped when it can be) and open it. */
rs_srv_model *rs_srv_model_load(const char *path, const char *kind, const char *titles_path,
                                rs_err *e);
rs_srv_model *rs_srv_model_ref(rs_srv_model *m);
void rs_srv_model_unref(rs_srv_model *m);

/* Where requests find the current model. */
typedef struct rs_srv_slot {
    pthread_mutex_t mu;
    rs_srv_model *cur;
    uint64_t swaps;
} rs_srv_slot;

/* The slot takes m's reference; m->version becomes 1. */
void rs_srv_slot_init(rs_srv_slot *s, rs_srv_model *m);
void rs_srv_slot_free(rs_srv_slot *s);
/* The current model, with a reference for the caller (drop it with unref). */
rs_srv_model *rs_srv_slot_get(rs_srv_slot *s);
/* Put m in (taking its reference; it gets the next version) and drop the
 * slot's reference to the old one. */
void rs_srv_slot_swap(rs_srv_slot *s, rs_srv_model *m);

#endif
