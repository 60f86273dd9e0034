#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model/early.h"
#include "common/err.h"

void rs_early_init(rs_early *s, int patience, int maximize)
{
    memset(s, 0, sizeof *s);
    s->patience = patience;
    s->maximize = maximize;
    s->best = maximize ? -HUGE_VAL : HUGE_VAL;
}

void rs_early_track(rs_early *s, float *a, size_t n)
{
    if (!a || s->narrays == 4) return;
    s->live[s->narrays] = a;
    s->len[s->narrays] = n;
    s->keep[s->narrays] = NULL;
    s->narrays++;
}

int rs_early_update(rs_early *s, int ep, double v)
{
    int better = !isnan(v) && (s->best_epoch == 0 || (s->maximize ? v > s->best : v < s->best));
    if (better) {
        s->best = v;
        s->best_epoch = ep;
        s->bad = 0;
        /* Only a run that can stop early needs the copy. */
        if (s->patience > 0)
            for (int a = 0; a < s->narrays; a++) {
                if (!s->keep[a]) s->keep[a] = rs_xmalloc(s->len[a] * sizeof(float) + 1);
                memcpy(s->keep[a], s->live[a], s->len[a] * sizeof(float));
            }
        return 0;
    }
    s->bad++;
    return s->patience > 0 && s->bad >= s->patience;
}

int rs_early_restore(rs_early *s, int last_epoch)
{
    if (s->patience <= 0 || s->best_epoch == 0 || s->best_epoch == last_epoch) return last_epoch;
    for (int a = 0; a < s->narrays; a++) memcpy(s->live[a], s->keep[a], s->len[a] * sizeof(float));
    return s->best_epoch;
}

void rs_early_free(rs_early *s)
{
    for (int a = 0; a < s->narrays; a++) free(s->keep[a]);
    s->narrays = 0;
}
