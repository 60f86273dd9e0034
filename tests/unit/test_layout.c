/* test_layout.c: the kinds table (format/layout.h) against man/rs-format.5's
 * KINDS, name by name and in order, and rs_layout_start_model on a bundle
 * carrying an earlier model.  (tests/t/bundle-kinds.t checks the programs'
 * outputs against the same page.) */
#include <stdint.h>
#include "tap.h"
#include "format/layout.h"

/* The page's kinds: "kind|blocks|meta" per kind, optional names as [name],
 * words separated by one space; n of them (at most max). */
static int read_page(char out[][1024], int max)
{
    const char *top = getenv("RS_TOP");
    char path[4096], line[1024];
    snprintf(path, sizeof path, "%s/man/rs-format.5", top ? top : ".");
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int n = -1, in = 0, tp = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strncmp(line, ".SH", 3)) {
            in = !strcmp(line, ".SH KINDS");
            continue;
        }
        if (!in) continue;
        if (tp && !strncmp(line, ".BR ", 4) && n + 1 < max) {
            n++;
            sscanf(line + 4, "%1000s", out[n]);
        } else if (n >= 0 && (!strncmp(line, "blocks: ", 8) || !strncmp(line, "meta: ", 6))) {
            size_t len = strlen(out[n]);
            snprintf(out[n] + len, 1024 - len, "|%s", strchr(line, ' ') + 1);
        }
        tp = !strcmp(line, ".TP");
    }
    fclose(f);
    return n + 1;
}

static void append(char *buf, size_t cap, const char *name, int optional)
{
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "%s%s%s%s", buf[len - 1] == '|' ? "" : " ",
             optional ? "[" : "", name, optional ? "]" : "");
}

/* The table's kind k in the page's form. */
static void from_table(const rs_layout_kind *k, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s|", k->name);
    for (size_t j = 0; j < k->nblocks; j++) append(buf, cap, k->blocks[j].name, k->blocks[j].optional);
    size_t len = strlen(buf);
    snprintf(buf + len, cap - len, "|");
    for (size_t j = 0; j < k->nkeys; j++) append(buf, cap, k->keys[j].name, k->keys[j].optional);
}

static void page_agrees(tap *t)
{
    char page[32][1024];
    int n = read_page(page, 32);
    OK(t, n > 0, "man/rs-format.5 has a KINDS section (%d kinds)", n);
    size_t nk;
    const rs_layout_kind *k = rs_layout_kinds(&nk);
    OK(t, n == (int)nk, "the page lists as many kinds as the table (%d, %zu)", n, nk);
    for (size_t j = 0; j < nk && (int)j < n; j++) {
        char buf[1024];
        from_table(&k[j], buf, sizeof buf);
        int same = !strcmp(buf, page[j]);
        OK(t, same, "kind %s: page and table agree", k[j].name);
        if (!same) printf("#   table %s\n#   page  %s\n", buf, page[j]);
    }
}

static void put_str(rs_bundle *b, const char *name, const char *s)
{
    rs_bundle_put_strs(b, name, &s, 1);
}

static void start_model(tap *t)
{
    static float f[4];
    static uint64_t u[3];
    rs_bundle b = { 0 };
    rs_meta_set(&b, "kind", "matrix");
    rs_meta_set(&b, "columns", "3");
    rs_meta_set(&b, "writer", "rs-index 0.1.0");
    put_str(&b, "users", "u");
    put_str(&b, "items", "i");
    rs_bundle_put(&b, "shape", RS_U64, 2, 1, u, 0);
    rs_bundle_put(&b, "indptr", RS_U64, 2, 1, u, 0);
    rs_bundle_put(&b, "indices", RS_U32, 1, 1, f, 0);
    rs_bundle_put(&b, "values", RS_F32, 1, 1, f, 0);
    rs_bundle_put(&b, "user_factors", RS_F32, 1, 2, f, 0);
    rs_bundle_put(&b, "w2v_in", RS_F32, 1, 2, f, 0);
    rs_bundle_put(&b, "someone_elses", RS_F32, 1, 1, f, 0);
    rs_meta_set(&b, "model", "funk");
    rs_meta_set(&b, "range", "1,5");
    rs_meta_set(&b, "vocab", "3");      /* a w2v key: no earlier list knew it */

    const rs_layout_kind *k = rs_layout_of(&b, &(rs_err){ 0 });
    OK(t, k && !strcmp(k->name, "funk"), "rs_layout_of: model=funk is kind funk");
    OK(t, rs_layout_block_of(k, "indptr") && rs_layout_block_of(k, "user_bias")
       && !rs_layout_block_of(k, "sigma"), "a funk bundle holds the matrix's blocks and its own");
    OK(t, rs_layout_key_of(k, "columns") && rs_layout_key_of(k, "range")->optional
       && !rs_layout_key_of(k, "center"), "and the matrix's meta keys and its own");

    rs_layout_start_model(&b);
    char names[256] = "";
    for (size_t j = 0; j < b.n; j++) {
        size_t len = strlen(names);
        snprintf(names + len, sizeof names - len, "%s%s", j ? " " : "", b.b[j].name);
    }
    OK(t, !strcmp(names, "meta users items shape indptr indices values"),
       "start_model keeps exactly the matrix blocks, in order: %s", names);
    rs_block *m = rs_bundle_get(&b, "meta");
    OK(t, m && m->rows == 3 && !strcmp(rs_meta_get(&b, "kind"), "matrix")
       && !strcmp(rs_meta_get(&b, "columns"), "3")
       && !strcmp(rs_meta_get(&b, "writer"), "rs-index 0.1.0"),
       "and exactly the matrix meta, the writer's too (the model program replaces it)");
    rs_err e = { 0 };
    k = rs_layout_of(&b, &e);
    OK(t, k && !strcmp(k->name, "matrix"), "a bundle without model= is a matrix");
    OK(t, rs_layout_need(&b, k, "values", 1, 1, &e) != NULL, "rs_layout_need finds a matrix block");
    OK(t, !rs_layout_need(&b, k, "times", 0, 0, &e) && strstr(e.msg, "missing block 'times'"),
       "and reports a missing one: %s", e.msg);
    e = (rs_err){ 0 };
    OK(t, !rs_layout_need(&b, rs_layout_find("w2v"), "sigma", 0, 0, &e)
       && strstr(e.msg, "no block 'sigma'"), "a block not of the kind is refused: %s", e.msg);
    rs_meta_set(&b, "model", "nonesuch");
    e = (rs_err){ 0 };
    OK(t, !rs_layout_of(&b, &e) && e.code == RS_EDATA, "an unknown model= is refused: %s", e.msg);
    rs_bundle_free(&b);
}

int main(void)
{
    tap t = { 0 };
    page_agrees(&t);
    start_model(&t);
    return tap_done(&t);
}
