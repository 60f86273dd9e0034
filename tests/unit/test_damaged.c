/* test_damaged.c: every bit flip and every truncation of small model files
 * of each kind (the seeds of tests/fuzz/corpus/blocks: a matrix from
 * rs-index, SVD, ALS, BPR, Funk, item and user KNN, w2v, 1.6 to 2.4 KB) is
 * refused by the reader, or else changes nothing.
 *
 * "Changes nothing" is decided by output: what rs-recommend depends on
 * (the block listing, the matrix as TSV, and the scores of the first user,
 * of a history and of item similarity) printed for the damaged copy must
 * be byte for byte what the intact file gives.  With a CRC-32C on every
 * header and payload no single flip should get through at all; the
 * comparison is what makes a flip that does harmless rather than silent. */
#include <stdint.h>
#include "format/bundle.h"
#include "format/dump.h"
#include "score/scorer.h"
#include "common/parallel.h"
#include "tap.h"

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        rs_grow(&buf, &cap, *n + 4096, 1);
        size_t r = fread(buf + *n, 1, 4096, f);
        *n += r;
        if (r == 0) break;
    }
    fclose(f);
    return buf;
}

/* What a reader makes of bytes[0..n): 0 and the output in *out (malloc'd),
 * or -1 when they are refused (with a message). */
static int outcome(const unsigned char *bytes, size_t n, char **out, rs_err *e)
{
    rs_bundle b = { 0 };
    rs_in *in = rs_in_open_mem("damaged", bytes, n);
    int rc = rs_bundle_read(in, &b, e);
    rs_in_close(in);
    if (rc < 0) { rs_bundle_free(&b); return -1; }
    rs_scorer *s = rs_scorer_open(&b, e);
    if (!s) { rs_bundle_free(&b); return -1; }
    size_t len;
    FILE *f = open_memstream(out, &len);
    rs_dump_list(f, &b);
    if (rs_dump_matrix(f, &b, e) < 0) rc = -1;
    uint32_t items = rs_scorer_nitems(s), u = 0, j = 0;
    float *sc = rs_xmalloc((items ? items : 1) * sizeof *sc), one = 1;
    if (rc == 0 && rs_scorer_users(s, &u, 1, sc, e) < 0) rc = -1;
    if (rc == 0) fwrite(sc, sizeof *sc, items, f);
    if (rc == 0 && rs_scorer_history(s, &j, &one, 1, sc, e) == 0) fwrite(sc, sizeof *sc, items, f);
    if (rc == 0 && rs_scorer_can_similar(s) && rs_scorer_similar(s, 0, sc, e) == 0)
        fwrite(sc, sizeof *sc, items, f);
    fclose(f);
    free(sc);
    rs_scorer_close(s);
    rs_bundle_free(&b);
    if (rc < 0) { free(*out); *out = NULL; }
    return rc;
}

static void sweep(tap *t, const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n;
    unsigned char *bytes = slurp(path, &n);
    if (!bytes) { OK(t, 0, "%s: cannot read %s", name, path); return; }
    rs_err e;
    char *want = NULL, *got = NULL;
    OK(t, outcome(bytes, n, &want, &e) == 0, "%s: the intact file reads (%zu bytes)", name, n);
    if (!want) { free(bytes); return; }
    size_t flips = 0, passed = 0, changed = 0, cuts_passed = 0;
    long first_changed = -1, first_cut = -1;
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            bytes[i] ^= (unsigned char)(1u << bit);
            flips++;
            if (outcome(bytes, n, &got, &e) == 0) {
                passed++;
                if (strcmp(got, want) != 0 && changed++ == 0) first_changed = (long)i;
                free(got);
            }
            bytes[i] ^= (unsigned char)(1u << bit);
        }
    for (size_t cut = 0; cut < n; cut++)
        if (outcome(bytes, cut, &got, &e) == 0) {
            if (cuts_passed++ == 0) first_cut = (long)cut;
            free(got);
        }
    OK(t, changed == 0, "%s: no flip of %zu changes the output unnoticed (%zu read, all alike)",
       name, flips, passed);
    if (changed) printf("# first at byte %ld\n", first_changed);
    OK(t, passed == 0, "%s: every flip refused (%zu of %zu were read)", name, passed, flips);
    OK(t, cuts_passed == 0, "%s: every truncation refused (%zu lengths)", name, n);
    if (cuts_passed) printf("# first at %ld bytes\n", first_cut);
    free(want);
    free(bytes);
}

int main(void)
{
    tap t = { 0 };
    rs_blas_threads(1);
    const char *top = getenv("RS_TOP");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/blocks", top ? top : ".");
    static const char *const models[] = { "matrix", "svd", "als", "bpr", "funk", "knn-item",
                                          "knn-item-zstd", "knn-user", "w2v" };
    for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) sweep(&t, dir, models[k]);
    return tap_done(&t);
}
