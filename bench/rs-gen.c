/* rs-gen: synthetic MovieLens-like ratings with a planted taste structure,
 * so benchmarks can run at ML-20M size without shipping MovieLens, and so
 * the recommenders have something real to find.
 *
 * The model, and why it is shaped this way:
 *
 *  - Items have Zipf-like popularity pop(i) = 1/(rank(i)+10)^A, where the
 *    rank order is a random permutation of the item ids (in MovieLens the
 *    id says nothing about popularity).
 *  - Every item has a taste vector v ~ N(0, I/R).  Taste lives in C = 4R
 *    (at most 64) "taste clusters" with centroids c ~ N(0, I/R); a user
 *    mixes 1..5 of them (more for heavy users, who watch more broadly) and
 *    her vector is that mixture plus N(0, I/R) noise.
 *  - A rating draws an item from one of the user's clusters with
 *    P(i | k) ~ pop(i) * exp(beta * c_k . v_i) (beta = --taste), or, with
 *    probability 0.15, from plain popularity.  Drawing exactly from the user's own tilted
 *    distribution pop(i) exp(beta u . v_i) would cost O(items) per user
 *    (hours at ML-20M size), and rejection sampling from popularity alone
 *    accepts well under 1% of candidates at a useful beta.  Per-cluster
 *    alias tables cost O(C * items) once and O(1) per draw, and mixing a
 *    few clusters per user keeps the implicit-feedback matrix close to low
 *    rank, which is what SVD/KNN/item2vec are meant to recover.
 *  - Within a session the user stays in her current cluster from one rating
 *    to the next with probability 0.92, so consecutive items share taste
 *    (item2vec's window signal).  At a session break she picks a cluster
 *    again, and 40% of the time a new interest replaces one of her
 *    clusters (and moves her vector), so taste drifts: her last items
 *    predict her next ones better than her first items do, as in
 *    MovieLens.  A repeated item is drawn again; after many misses the draw
 *    falls back to popularity, then uniform, then a scan, so even users who
 *    have rated most of the catalogue finish.
 *  - Rating = 3.17 + user bias + item bias + 1.4 * u.v + noise (giving
 *    MovieLens's mean and spread, 3.5 +- 1.05), rounded to half stars
 *    (whole stars for most users who started before 2003, as in MovieLens)
 *    and clamped to 0.5..5.
 *  - Users have lognormal activity with a floor of 20 ratings (capped at
 *    35% of the items) scaled so the total is exactly --ratings.
 *    Timestamps increase within a user: quick sessions with occasional
 *    breaks of days, placed between 1995 and 2015.
 *  - Rows come out sorted by user, then item, as in ML-20M's ratings.csv.
 *
 * Everything is drawn from rs_rng streams keyed by the seed and the item or
 * user, so output depends only on the options, and --movies describes the
 * same items as the ratings for the same --seed/--items/--rank/--zipf. */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "common/err.h"
#include "common/io.h"
#include "common/rng.h"

enum { FMT_CSV, FMT_TSV, FMT_DAT };

/* Rng streams: one per purpose, and one per user beyond USER_STREAM. */
enum { ITEM_STREAM = 0, COUNT_STREAM = 1, TITLE_STREAM = 2, USER_STREAM = 16 };

#define T_MIN 789652004LL        /* 1995-01-09, ML-20M's first rating */
#define T_MAX 1427784002LL       /* 2015-03-31, ML-20M's last */
#define T_HALF 1045526400LL      /* 2003-02-18: half stars appear */
#define POP_SHARE 0.15           /* draws from plain popularity */
#define STAY 0.92                /* keep the current cluster within a session */
#define DRIFT 0.4                /* chance of a new interest at a session break */
#define MAX_TRIES 64

static const char help[] =
"Usage: rs-gen [OPTION]...\n"
"Write synthetic MovieLens-like ratings (or, with --movies, the matching\n"
"movie list) to standard output.  Item popularity is Zipf-like, user\n"
"activity heavy-tailed (every user has at least 20 ratings), and which items\n"
"a user rates follows a planted low-rank taste, so recommenders can beat a\n"
"popularity baseline.  The defaults give an ML-20M-sized file.  The same\n"
"options always give the same output.\n"
"\n"
"  -u, --users N        users, ids 1..N (default 138493)\n"
"  -i, --items N        items (default 26744); ids ascend with gaps up from 1\n"
"  -r, --ratings N      ratings, exactly (default 20000263)\n"
"      --seed S         random seed (default 1)\n"
"      --rank R         rank of the planted taste (default 8)\n"
"      --zipf A         item popularity exponent: pop ~ 1/(rank+10)^A (default 1)\n"
"      --taste B        how strongly taste steers which items a user rates\n"
"                       (default 8; 0 = popularity only)\n"
"  -f, --format F       csv: ratings.csv (header userId,movieId,rating,timestamp)\n"
"                       tsv: u.data style, tab separated, no header\n"
"                       dat: ratings.dat style, '::' separated\n"
"      --movies         write the movie list instead: movieId,title,genres\n"
"                       (csv, quoted as needed), or id::title::genres (dat),\n"
"                       or tab separated (tsv), for every item\n"
"  -o, --output FILE    write FILE (complete or not at all) instead of stdout\n"
"  -v, --verbose        report the model's statistics on stderr\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Example: rs-gen --users 600 --items 1500 --ratings 40000 > ratings.csv\n";

/* Slot i keeps i when a draw's low 32 bits are below thr, else gives
 * alias.  The two share a cache line: at ML-20M size the tables outgrow the
 * cache, and the draws are bound by memory latency. */
typedef struct alias_slot { uint32_t thr, alias; } alias_slot;
typedef struct alias_tab {
    uint32_t n;
    alias_slot *s;
} alias_tab;

typedef struct world {
    uint32_t M, R, C;
    float *v;               /* M x R item taste vectors */
    float *cent;            /* C x R cluster centroids */
    float *bias;            /* item rating bias */
    uint32_t *id;           /* movieId of item index i, ascending in i */
    uint32_t *rank;         /* popularity rank of item i, 0 = most popular */
    alias_tab pop;
    alias_tab *clu;         /* C tables */
} world;

typedef struct opts {
    uint64_t users, items, ratings, seed;
    int rank, format, movies, verbose;
    double zipf, taste;
    const char *output;
} opts;

typedef struct stats {
    uint64_t draws, repeats, fallbacks, scans;
} stats;

/* Vose's alias method: O(n) to build, O(1) per draw. */
static void alias_build(alias_tab *t, const double *w, uint32_t n)
{
    double sum = 0;
    for (uint32_t i = 0; i < n; i++) sum += w[i];
    double *p = rs_xmalloc(n * sizeof *p);
    uint32_t *small = rs_xmalloc(n * sizeof *small), *large = rs_xmalloc(n * sizeof *large);
    size_t ns = 0, nl = 0;
    t->n = n;
    t->s = rs_xmalloc(n * sizeof *t->s);
    for (uint32_t i = 0; i < n; i++) {
        p[i] = sum > 0 ? w[i] * n / sum : 1.0;
        t->s[i].thr = UINT32_MAX;
        t->s[i].alias = i;
        if (p[i] < 1) small[ns++] = i; else large[nl++] = i;
    }
    while (ns && nl) {
        uint32_t s = small[--ns], l = large[nl - 1];
        t->s[s].thr = (uint32_t)(p[s] * 4294967296.0);
        t->s[s].alias = l;
        p[l] -= 1 - p[s];
        if (p[l] < 1) { nl--; small[ns++] = l; }
    }
    /* What is left is 1 up to rounding: always keep the slot (alias = self). */
    free(p); free(small); free(large);
}

static inline uint32_t alias_draw(const alias_tab *t, rs_rng *r)
{
    uint64_t x = rs_rng_u64(r);
    uint32_t i = (uint32_t)(((x >> 32) * t->n) >> 32);
    return (uint32_t)x < t->s[i].thr ? i : t->s[i].alias;
}

static void alias_free(alias_tab *t) { free(t->s); }

static double exp_draw(rs_rng *r, double mean) { return -mean * log(1.0 - rs_rng_double(r)); }

static float dot(const float *a, const float *b, uint32_t R)
{
    float s = 0;
    for (uint32_t k = 0; k < R; k++) s += a[k] * b[k];
    return s;
}

static void world_build(world *w, const opts *o)
{
    rs_rng r;
    rs_rng_seed2(&r, o->seed, ITEM_STREAM);
    uint32_t M = (uint32_t)o->items, R = (uint32_t)o->rank, C = R < 16 ? 4 * R : 64;
    double sd = 1 / sqrt((double)R);
    w->M = M; w->R = R; w->C = C;
    w->v = rs_xmalloc((size_t)M * R * sizeof *w->v);
    w->cent = rs_xmalloc((size_t)C * R * sizeof *w->cent);
    w->bias = rs_xmalloc(M * sizeof *w->bias);
    w->id = rs_xmalloc(M * sizeof *w->id);
    w->rank = rs_xmalloc(M * sizeof *w->rank);
    for (uint32_t i = 0; i < M; i++) w->rank[i] = i;
    rs_rng_shuffle_u32(&r, w->rank, M);
    /* MovieLens ids are mostly dense with runs of gaps. */
    uint64_t id = 0;
    for (uint32_t i = 0; i < M; i++) {
        id += 1;
        if (rs_rng_double(&r) < 0.15) id += (uint64_t)exp_draw(&r, 8);
        w->id[i] = (uint32_t)id;
    }
    for (size_t k = 0; k < (size_t)M * R; k++) w->v[k] = (float)(sd * rs_rng_normal(&r));
    for (size_t k = 0; k < (size_t)C * R; k++) w->cent[k] = (float)(sd * rs_rng_normal(&r));
    double lm = log1p((double)M);
    for (uint32_t i = 0; i < M; i++)   /* popular films are rated a little higher */
        w->bias[i] = (float)(0.3 * rs_rng_normal(&r) + 0.25 * (1 - 2 * log1p(w->rank[i]) / lm));

    double *pop = rs_xmalloc(M * sizeof *pop), *wt = rs_xmalloc(M * sizeof *wt);
    for (uint32_t i = 0; i < M; i++) pop[i] = pow(w->rank[i] + 10.0, -o->zipf);
    alias_build(&w->pop, pop, M);
    w->clu = rs_xmalloc(C * sizeof *w->clu);
    for (uint32_t k = 0; k < C; k++) {
        const float *c = w->cent + (size_t)k * R;
        for (uint32_t i = 0; i < M; i++)
            wt[i] = pop[i] * exp(o->taste * dot(c, w->v + (size_t)i * R, R));
        alias_build(&w->clu[k], wt, M);
    }
    free(pop); free(wt);
}

static void world_free(world *w)
{
    alias_free(&w->pop);
    for (uint32_t k = 0; k < w->C; k++) alias_free(&w->clu[k]);
    free(w->clu); free(w->v); free(w->cent); free(w->bias); free(w->id); free(w->rank);
}

/* Ratings per user: a floor of 20 (less only if --ratings forces it) plus a
 * lognormal share, water-filled under a cap so the total is exact. */
static uint32_t user_counts(uint32_t *cnt, uint32_t N, uint32_t M, uint64_t T, uint64_t seed)
{
    rs_rng r;
    rs_rng_seed2(&r, seed, COUNT_STREAM);
    uint64_t minc = T / N < 20 ? T / N : 20;
    uint64_t cap = (uint64_t)(0.35 * M);
    if (cap < minc) cap = minc;
    if ((uint64_t)N * cap < T) cap = M;
    double *x = rs_xmalloc(N * sizeof *x);
    unsigned char *capped = rs_xcalloc(N, 1);
    for (uint32_t u = 0; u < N; u++) x[u] = exp(1.4 * rs_rng_normal(&r));
    double scale = 0;
    for (;;) {
        double s = 0, ncap = 0;
        for (uint32_t u = 0; u < N; u++) {
            if (capped[u]) ncap++; else s += x[u];
        }
        double left = (double)(T - N * minc) - ncap * (double)(cap - minc);
        scale = s > 0 ? left / s : 0;
        int changed = 0;
        for (uint32_t u = 0; u < N; u++)
            if (!capped[u] && minc + scale * x[u] > (double)cap) capped[u] = 1, changed = 1;
        if (!changed) break;
    }
    uint64_t tot = 0;
    for (uint32_t u = 0; u < N; u++) {
        uint64_t c = capped[u] ? cap : minc + (uint64_t)(scale * x[u]);
        if (c > cap) c = cap;
        cnt[u] = (uint32_t)c;
        tot += c;
    }
    /* Rounding leaves a few short (or, by float error, over): settle them. */
    for (uint32_t u = 0; tot < T; u = (u + 1) % N)
        if (cnt[u] < cap) cnt[u]++, tot++;
    for (uint32_t u = 0; tot > T; u = (u + 1) % N)
        if (cnt[u] > minc) cnt[u]--, tot--;
    uint32_t mx = 0;
    for (uint32_t u = 0; u < N; u++) if (cnt[u] > mx) mx = cnt[u];
    free(x); free(capped);
    return mx;
}

typedef struct user_buf {
    uint32_t *mark;         /* M: user number + 1 once rated */
    int64_t *ts;            /* seconds since the user's first rating */
    unsigned char *brk;     /* 1 where a new session starts */
    unsigned char *half;    /* rating in half stars */
    uint64_t *key;          /* item << 32 | position, to sort by item */
    float *u;               /* 2R: taste now, and its fixed noise part */
} user_buf;

static uint32_t draw_item(const world *w, const alias_tab *src, uint32_t tag,
                          user_buf *b, rs_rng *r, stats *st)
{
    uint32_t i;
    st->draws++;
    for (int t = 0; t < MAX_TRIES; t++) {
        i = alias_draw(src, r);
        if (b->mark[i] != tag) return i;
        st->repeats++;
    }
    st->fallbacks++;
    for (int t = 0; t < MAX_TRIES; t++) {
        i = alias_draw(&w->pop, r);
        if (b->mark[i] != tag) return i;
    }
    for (int t = 0; t < MAX_TRIES; t++) {
        i = (uint32_t)rs_rng_below(r, w->M);
        if (b->mark[i] != tag) return i;
    }
    st->scans++;
    i = (uint32_t)rs_rng_below(r, w->M);
    while (b->mark[i] == tag) i = i + 1 == w->M ? 0 : i + 1;
    return i;
}

/* Sort distinct keys: qsort's callback per comparison cost a fifth of the
 * run time at ML-20M size. */
static void sort_u64(uint64_t *a, size_t n)
{
    while (n > 16) {
        uint64_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint64_t p = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i >= j) break;
            uint64_t t = a[i]; a[i] = a[j]; a[j] = t;
            i++, j--;
        }
        /* a[0..j] <= p <= a[j+1..n-1]: recurse on the smaller side. */
        size_t left = j + 1;
        if (left < n - left) { sort_u64(a, left); a += left; n -= left; }
        else { sort_u64(a + left, n - left); n = left; }
    }
    for (size_t i = 1; i < n; i++) {
        uint64_t v = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1] > v; j--) a[j] = a[j - 1];
        a[j] = v;
    }
}

static void put_rating(FILE *f, int half, int format)
{
    rs_put_u64(f, (uint64_t)(half / 2));
    if (half & 1) fwrite_unlocked(".5", 1, 2, f);
    else if (format == FMT_CSV) fwrite_unlocked(".0", 1, 2, f);
}

static void gen_user(const world *w, const opts *o, uint32_t user, uint32_t n,
                     user_buf *b, FILE *f, stats *st)
{
    rs_rng r;
    rs_rng_seed2(&r, o->seed, USER_STREAM + (uint64_t)user);
    uint32_t R = w->R, tag = user + 1;
    double sd = 1 / sqrt((double)R);

    /* Sessions of a rating every half minute or so, with breaks of days. */
    double tt = 0;
    b->ts[0] = 0;
    b->brk[0] = 1;
    for (uint32_t t = 1; t < n; t++) {
        b->brk[t] = rs_rng_double(&r) < 0.03;
        tt += b->brk[t] ? 3600 + exp_draw(&r, 20 * 86400.0) : 1 + exp_draw(&r, 30);
        b->ts[t] = (int64_t)tt;
    }
    double span = (double)(T_MAX - T_MIN);
    if (tt > 0.8 * span) {
        double sc = 0.8 * span / tt;
        for (uint32_t t = 1; t < n; t++) {
            b->ts[t] = (int64_t)(b->ts[t] * sc);
            if (b->ts[t] <= b->ts[t - 1]) b->ts[t] = b->ts[t - 1] + 1;
        }
    }
    int64_t t0 = T_MIN + (int64_t)rs_rng_below(&r, (uint64_t)(T_MAX - T_MIN - b->ts[n - 1]));
    int halves = t0 >= T_HALF ? rs_rng_double(&r) < 0.85 : rs_rng_double(&r) < 0.05;

    /* Taste: a mixture of a few clusters, broader for heavy users. */
    uint32_t k[8];
    double cw[8], tw = 0;
    int m = 1 + (int)rs_rng_below(&r, 2) + (n >= 100) + (n >= 400) + (n >= 1600);
    for (int j = 0; j < m; j++) {
        k[j] = (uint32_t)rs_rng_below(&r, w->C);
        cw[j] = exp_draw(&r, 1);
        tw += cw[j];
    }
    for (int j = 0; j < m; j++) cw[j] /= tw;
    float *noise = b->u + R;
    for (uint32_t d = 0; d < R; d++) noise[d] = (float)(sd * rs_rng_normal(&r));
    double ubias = 0.4 * rs_rng_normal(&r);

    int cur = 0;
    for (uint32_t t = 0; t < n; t++) {
        int drift = t == 0 || (b->brk[t] && rs_rng_double(&r) < DRIFT);
        if (drift && t > 0) {
            /* A new interest replaces an old one and starts a run. */
            cur = (int)rs_rng_below(&r, (uint64_t)m);
            k[cur] = (uint32_t)rs_rng_below(&r, w->C);
        } else if (b->brk[t] || rs_rng_double(&r) >= STAY) {
            double x = rs_rng_double(&r);
            for (cur = 0; cur < m - 1 && x >= cw[cur]; cur++) x -= cw[cur];
        }
        if (drift) {
            memcpy(b->u, noise, R * sizeof *b->u);
            for (int j = 0; j < m; j++)
                for (uint32_t d = 0; d < R; d++)
                    b->u[d] += (float)(cw[j] * w->cent[(size_t)k[j] * R + d]);
        }
        const alias_tab *src = rs_rng_double(&r) < POP_SHARE ? &w->pop : &w->clu[k[cur]];
        uint32_t i = draw_item(w, src, tag, b, &r, st);
        b->mark[i] = tag;
        b->key[t] = (uint64_t)i << 32 | t;
        double x = 3.17 + ubias + w->bias[i] + 1.4 * dot(b->u, w->v + (size_t)i * R, R)
                   + 0.65 * rs_rng_normal(&r);
        int h = halves ? (int)lround(2 * x) : 2 * (int)lround(x);
        if (h < (halves ? 1 : 2)) h = halves ? 1 : 2;
        if (h > 10) h = 10;
        b->half[t] = (unsigned char)h;
    }

    sort_u64(b->key, n);
    const char *sep = o->format == FMT_CSV ? "," : o->format == FMT_TSV ? "\t" : "::";
    size_t sl = strlen(sep);
    for (uint32_t j = 0; j < n; j++) {
        uint32_t t = (uint32_t)b->key[j], i = (uint32_t)(b->key[j] >> 32);
        rs_put_u64(f, user + 1);
        fwrite_unlocked(sep, 1, sl, f);
        rs_put_u64(f, w->id[i]);
        fwrite_unlocked(sep, 1, sl, f);
        put_rating(f, b->half[t], o->format);
        fwrite_unlocked(sep, 1, sl, f);
        rs_put_u64(f, (uint64_t)(t0 + b->ts[t]));
        putc_unlocked('\n', f);
    }
}

static void gen_ratings(const world *w, const opts *o, FILE *f)
{
    uint32_t N = (uint32_t)o->users;
    uint32_t *cnt = rs_xmalloc(N * sizeof *cnt);
    uint32_t mx = user_counts(cnt, N, w->M, o->ratings, o->seed);
    user_buf b;
    b.mark = rs_xcalloc(w->M, sizeof *b.mark);
    b.ts = rs_xmalloc(mx * sizeof *b.ts);
    b.brk = rs_xmalloc(mx);
    b.half = rs_xmalloc(mx);
    b.key = rs_xmalloc(mx * sizeof *b.key);
    b.u = rs_xmalloc(2 * w->R * sizeof *b.u);
    stats st = {0};
    if (o->format == FMT_CSV) fputs("userId,movieId,rating,timestamp\n", f);
    for (uint32_t u = 0; u < N; u++) gen_user(w, o, u, cnt[u], &b, f, &st);
    if (o->verbose)
        rs_warn("%u users, %u items, %llu ratings (max %u per user); %llu draws, %llu repeated, "
                "%llu fallbacks, %llu scans", N, w->M, (unsigned long long)o->ratings, mx,
                (unsigned long long)st.draws, (unsigned long long)st.repeats,
                (unsigned long long)st.fallbacks, (unsigned long long)st.scans);
    free(cnt); free(b.mark); free(b.ts); free(b.brk); free(b.half); free(b.key); free(b.u);
}

/* Movie list: made-up titles (some with commas, quotes and accents, as in
 * MovieLens, so CSV parsing is exercised) and genres that follow taste. */
static const char *const adj[] = {
    "Silent", "Last", "Dark", "Lost", "Broken", "Golden", "Wild", "Secret", "Little",
    "Big", "Red", "Blue", "Hidden", "Eternal", "Crazy", "Lonely", "Frozen", "Burning",
    "Midnight", "Final", "Sweet", "Savage", "Quiet", "Bitter", "Strange", "Brave",
    "Endless", "Forgotten", "Electric", "Wicked", "Naked", "Crimson", "Deadly", "Happy",
};
static const char *const noun[] = {
    "River", "City", "Night", "Heart", "Road", "Game", "Dream", "House", "Summer",
    "Island", "Kingdom", "Shadow", "Storm", "Garden", "Mirror", "Stranger", "Ghost",
    "Empire", "Highway", "Promise", "Letter", "Winter", "Machine", "Dragon", "Detective",
    "Witness", "Circus", "Harbor", "Journey", "Planet", "Wedding", "Hotel", "Soldier",
    "Café", "Piano", "Train", "Mountain", "Sister", "Thief",
};
static const char *const name[] = {
    "Annie", "Max", "Léon", "Amélie", "Johnny", "Clara", "Hugo", "Zoë", "Frank", "Rosa",
    "Björn", "Nikita", "José", "Marguerite", "Otto", "Françoise",
};
static const char *const article[] = { "The", "A", "Les", "La", "Der", "El", "Il" };
static const char *const genre[] = {
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary",
    "Drama", "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance",
    "Sci-Fi", "Thriller", "War", "Western",
};
/* How common each genre is (Drama and Comedy lead, as in MovieLens). */
static const double genre_off[] = {
    0.0, -0.2, -0.6, -0.9, 0.6, -0.1, -0.3, 0.9, -0.5, -1.2, 0.05, -1.3, -0.6, -0.5,
    0.35, -0.2, 0.2, -0.45, -0.8,
};
#define NGENRE (sizeof genre / sizeof *genre)
#define PICK(r, a) ((a)[rs_rng_below(r, sizeof(a) / sizeof *(a))])

static void make_title(char *s, size_t sz, rs_rng *r)
{
    int year = 2015 - (int)exp_draw(r, 18);
    if (year < 1902) year = 1902 + (int)rs_rng_below(r, 40);
    /* Draw every word up front, in order: the order in which a call's
     * arguments are evaluated is unspecified, and titles must not depend on
     * the compiler. */
    double x = rs_rng_double(r);
    const char *a1 = PICK(r, adj), *a2 = PICK(r, adj), *n1 = PICK(r, noun), *n2 = PICK(r, noun),
               *n3 = PICK(r, noun), *who = PICK(r, name), *art = PICK(r, article);
    int part = 2 + (int)rs_rng_below(r, 3), n;
    if (x < 0.30) n = snprintf(s, sz, "%s %s", a1, n1);
    else if (x < 0.45) n = snprintf(s, sz, "%s of the %s", n1, n2);
    else if (x < 0.65) n = snprintf(s, sz, "%s %s, %s", a1, n1, art);
    else if (x < 0.75) n = snprintf(s, sz, "%s's %s", who, n1);
    else if (x < 0.80) n = snprintf(s, sz, "%s, %s and %s", n1, n2, n3);
    else if (x < 0.88) n = snprintf(s, sz, "%s %s %d", a1, n1, part);
    else if (x < 0.95) n = snprintf(s, sz, "%s %s: The %s %s", a1, n1, a2, n2);
    else if (x < 0.98) n = snprintf(s, sz, "%s", who);
    else n = snprintf(s, sz, "\"%s %s\" %s", a1, n1, n2);
    snprintf(s + n, sz - (size_t)n, " (%d)", year);
}

static void put_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) { fputs(s, f); return; }
    putc_unlocked('"', f);
    for (; *s; s++) {
        if (*s == '"') putc_unlocked('"', f);
        putc_unlocked(*s, f);
    }
    putc_unlocked('"', f);
}

static void gen_movies(const world *w, const opts *o, FILE *f)
{
    rs_rng r;
    rs_rng_seed2(&r, o->seed, TITLE_STREAM);
    uint32_t R = w->R;
    float *gdir = rs_xmalloc(NGENRE * R * sizeof *gdir);
    for (size_t k = 0; k < NGENRE * R; k++) gdir[k] = (float)rs_rng_normal(&r);
    if (o->format == FMT_CSV) fputs("movieId,title,genres\n", f);
    const char *sep = o->format == FMT_CSV ? "," : o->format == FMT_TSV ? "\t" : "::";
    char title[256];
    for (uint32_t i = 0; i < w->M; i++) {
        make_title(title, sizeof title, &r);
        rs_put_u64(f, w->id[i]);
        fputs(sep, f);
        if (o->format == FMT_CSV) put_csv_field(f, title); else fputs(title, f);
        fputs(sep, f);
        /* Genres the item's taste points along: the best one, and up to two
         * more that score nearly as well, listed alphabetically. */
        double sc[NGENRE];
        int best = 0, extra = 0, first = 1;
        for (size_t g = 0; g < NGENRE; g++) {
            sc[g] = dot(gdir + g * R, w->v + (size_t)i * R, R) + genre_off[g];
            if (sc[g] > sc[best]) best = (int)g;
        }
        if (rs_rng_double(&r) < 0.005) fputs("(no genres listed)", f);
        else
            for (size_t g = 0; g < NGENRE; g++)
                if ((int)g == best || (sc[g] > 0.9 && sc[g] > sc[best] - 1.2 && extra++ < 2)) {
                    if (!first) putc_unlocked('|', f);
                    fputs(genre[g], f);
                    first = 0;
                }
        putc_unlocked('\n', f);
    }
    free(gdir);
}

int main(int argc, char **argv)
{
    opts o = { .users = 138493, .items = 26744, .ratings = 20000263, .seed = 1,
               .rank = 8, .format = FMT_CSV, .zipf = 1.0, .taste = 8.0 };
    enum { OPT_SEED = 256, OPT_RANK, OPT_ZIPF, OPT_TASTE, OPT_MOVIES };
    static const struct option lo[] = {
        { "users", required_argument, 0, 'u' },
        { "items", required_argument, 0, 'i' },
        { "ratings", required_argument, 0, 'r' },
        { "seed", required_argument, 0, OPT_SEED },
        { "rank", required_argument, 0, OPT_RANK },
        { "zipf", required_argument, 0, OPT_ZIPF },
        { "taste", required_argument, 0, OPT_TASTE },
        { "format", required_argument, 0, 'f' },
        { "movies", no_argument, 0, OPT_MOVIES },
        { "output", required_argument, 0, 'o' },
        { "verbose", no_argument, 0, 'v' },
        { "help", no_argument, 0, 'h' },
        { "version", no_argument, 0, 'V' },
        { 0, 0, 0, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "u:i:r:f:o:vhV", lo, NULL)) != -1) {
        switch (c) {
        case 'u': o.users = (uint64_t)rs_opt_int("--users", optarg, 1, UINT32_MAX - 1); break;
        case 'i': o.items = (uint64_t)rs_opt_int("--items", optarg, 1, 10000000); break;
        case 'r': o.ratings = (uint64_t)rs_opt_int("--ratings", optarg, 1, INT64_MAX); break;
        case OPT_SEED: o.seed = rs_opt_seed("--seed", optarg); break;
        case OPT_RANK: o.rank = (int)rs_opt_int("--rank", optarg, 1, 256); break;
        case OPT_ZIPF: o.zipf = rs_opt_double("--zipf", optarg, 0, 10); break;
        case OPT_TASTE: o.taste = rs_opt_double("--taste", optarg, 0, 50); break;
        case 'f':
            if (strcmp(optarg, "csv") == 0) o.format = FMT_CSV;
            else if (strcmp(optarg, "tsv") == 0) o.format = FMT_TSV;
            else if (strcmp(optarg, "dat") == 0) o.format = FMT_DAT;
            else rs_usage_error("--format: '%s' is not csv, tsv or dat", optarg);
            break;
        case OPT_MOVIES: o.movies = 1; break;
        case 'o': o.output = optarg; break;
        case 'v': o.verbose = 1; break;
        case 'h': rs_help(help);
        case 'V': rs_version();
        default:   /* getopt has named the bad option */
            fprintf(stderr, "Try '%s --help' for more information.\n", rs_prog());
            return RS_EUSAGE;
        }
    }
    if (optind < argc) rs_usage_error("unexpected argument '%s'", argv[optind]);
    if (!o.movies) {
        if (o.ratings < o.users)
            rs_usage_error("--ratings (%llu) must be at least --users (%llu)",
                           (unsigned long long)o.ratings, (unsigned long long)o.users);
        if (o.ratings / o.users > o.items ||
            (o.ratings / o.users == o.items && o.ratings % o.users))
            rs_usage_error("--ratings: %llu is more than every user rating every item",
                           (unsigned long long)o.ratings);
    }

    rs_err e = {0};
    rs_out *out = rs_out_open(o.output, 0, &e);
    if (!out) rs_die_err(&e);
    world w;
    world_build(&w, &o);
    if (o.movies) gen_movies(&w, &o, rs_out_file(out));
    else gen_ratings(&w, &o, rs_out_file(out));
    world_free(&w);
    if (rs_out_close(out, &e) < 0) {
        if (e.msg[0]) rs_die_err(&e);
        return 1;
    }
    return 0;
}
