/* fuzz_blocks: the readers of each block kind, past the container's
 * checksums: the matrix (format/csr.h), the id maps
 * (format/idmap_block.h), the text dumps (format/dump.h) and every model
 * kind's scorer (score/scorer.h: open, then each operation once).
 *
 * The input is a bundle whose checksums are recomputed before reading, so
 * that mutations reach the blocks' contents; checksums catch damage in
 * transit, while what is tested here is a well-formed lie (a writer bug,
 * a crafted file).  Seeds are small models of every kind. */
#include "fuzz.h"
#include "common/crc32c.h"
#include "common/parallel.h"
#include "format/bundle.h"
#include "format/csr.h"
#include "format/dump.h"
#include "format/idmap_block.h"
#include "score/scorer.h"

enum { STREAM_HDR = 16, BLOCK_HDR = 72 };

/* Make each block header's checksums right for the bytes that follow. */
static void fix_crcs(uint8_t *d, size_t n)
{
    size_t off = STREAM_HDR;
    while (off + BLOCK_HDR <= n) {
        uint8_t *h = d + off;
        uint64_t stored;
        memcpy(&stored, h + 48, 8);
        size_t avail = n - off - BLOCK_HDR;
        uint32_t crc = rs_crc32c(0, h + BLOCK_HDR, stored < avail ? stored : avail);
        memcpy(h + 64, &crc, 4);
        crc = rs_crc32c(0, h, 68);
        memcpy(h + 68, &crc, 4);
        if (h[4] == 0 || stored > avail) break;     /* the end block, or cut short */
        off += BLOCK_HDR + stored + (8 - stored % 8) % 8;
    }
}

/* Each operation of the scorer once, where the model's size allows. */
static void score(rs_scorer *s)
{
    rs_err e;
    const rs_csr *m = rs_scorer_train(s);
    uint32_t items = rs_scorer_nitems(s);
    if (items == 0 || items > (1u << 16)) return;     /* out[] is the harness's */
    float *out = malloc((size_t)items * sizeof *out);
    FUZZ_ASSERT(out);
    uint32_t u = 0, j[2] = { 0, items - 1 };
    float v[2] = { 1, 5 };
    if (m->rows) rs_scorer_users(s, &u, 1, out, &e);
    rs_scorer_history(s, j, v, 2, out, &e);
    rs_scorer_history(s, j, v, 0, out, &e);
    if (rs_scorer_can_similar(s)) rs_scorer_similar(s, items - 1, out, &e);
    if (rs_scorer_can_predict(s)) {
        int64_t us[3] = { 0, -1, (int64_t)m->rows - 1 }, is[3] = { 0, 0, -1 };
        rs_scorer_predict(s, us, is, m->rows ? 3 : 0, out, &e);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) { rs_blas_threads(1); once = 1; }
    uint8_t *d = malloc(size ? size : 1);
    FUZZ_ASSERT(d);
    memcpy(d, data, size);
    fix_crcs(d, size);
    rs_bundle b = { 0 };
    rs_err e = { 0 };
    int rc = rs_bundle_load(fuzz_file(d, size), &b, &e);
    free(d);
    if (rc < 0) {
        FUZZ_ASSERT(e.msg[0]);
        return 0;
    }
    FILE *null = fuzz_null();
    rs_dump_list(null, &b);
    for (size_t i = 0; i < b.n; i++) rs_dump_block(null, &b, b.b[i].name, 1, &e);
    rs_dump_matrix(null, &b, &e);
    rs_csr m;
    if (rs_csr_get(&b, &m, &e) == 0) {
        for (uint32_t r = 0; r < m.rows; r++)
            FUZZ_ASSERT(m.indptr[r] <= m.indptr[r + 1] && m.indptr[r + 1] <= m.nnz);
    }
    const char *maps[] = { "users", "items" };
    for (int k = 0; k < 2; k++) {
        rs_idmap *im = rs_idmap_get(&b, maps[k], &e);
        if (im) rs_idmap_free(im);
    }
    rs_scorer *s = rs_scorer_open(&b, &e);
    if (s) {
        score(s);
        rs_scorer_close(s);
    } else {
        FUZZ_ASSERT(e.msg[0]);
    }
    s = rs_scorer_open_kind(&b, "popular", &e);
    if (s) {
        score(s);
        rs_scorer_close(s);
    }
    rs_bundle_free(&b);
    return 0;
}
