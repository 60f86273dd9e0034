/* predict.c: predicted ratings for (user, item) pairs, in input order;
 * see recommend.h. */
#include <stdlib.h>
#include "score/recommend.h"

#define PREDICT_CHUNK 65536

int rs_recommend_predict(rs_scorer *s, const rs_idmap *model_users, const rs_idmap *model_items,
                         const rs_ratings *p, FILE *out, uint64_t *unknown_users,
                         uint64_t *unknown_items, rs_err *e)
{
    return rs_recommend_predict_titled(s, model_users, model_items, NULL, p, out, unknown_users,
                                       unknown_items, e);
}

int rs_recommend_predict_titled(rs_scorer *s, const rs_idmap *model_users,
                                const rs_idmap *model_items, const char *const *title,
                                const rs_ratings *p, FILE *out, uint64_t *unknown_users,
                                uint64_t *unknown_items, rs_err *e)
{
    if (!rs_scorer_can_predict(s)) return rs_scorer_predict(s, NULL, NULL, 0, NULL, e);
    int64_t *umap = rs_idmap_find_all(model_users, p->users);
    int64_t *imap = rs_idmap_find_all(model_items, p->items);
    int64_t *u = rs_xmalloc(PREDICT_CHUNK * sizeof *u), *i = rs_xmalloc(PREDICT_CHUNK * sizeof *i);
    float *score = rs_xmalloc(PREDICT_CHUNK * sizeof *score);
    *unknown_users = *unknown_items = 0;
    int rc = 0;
    for (size_t k0 = 0; k0 < p->n && rc == 0; k0 += PREDICT_CHUNK) {
        size_t n = p->n - k0 < PREDICT_CHUNK ? p->n - k0 : PREDICT_CHUNK;
        for (size_t k = 0; k < n; k++) {
            u[k] = umap[p->u[k0 + k]];
            i[k] = imap[p->i[k0 + k]];
            *unknown_users += u[k] < 0;
            *unknown_items += i[k] < 0;
        }
        if ((rc = rs_scorer_predict(s, u, i, n, score, e)) < 0) break;
        for (size_t k = 0; k < n; k++) {
            uint32_t pu = p->u[k0 + k], pi = p->i[k0 + k];
            fwrite(rs_idmap_str(p->users, pu), 1, rs_idmap_len(p->users, pu), out);
            putc('\t', out);
            fwrite(rs_idmap_str(p->items, pi), 1, rs_idmap_len(p->items, pi), out);
            putc('\t', out);
            rs_put_f32(out, score[k]);
            if (title) {
                putc('\t', out);
                if (i[k] >= 0 && title[i[k]]) fputs(title[i[k]], out);
            }
            putc('\n', out);
        }
    }
    free(u); free(i); free(score); free(umap); free(imap);
    return rc;
}
