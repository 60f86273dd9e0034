/* Unit tests of lib/tune (space, sampler) and lib/model/early: values
 * format and parse back exactly inside their ranges; templates expand;
 * TPE is deterministic and beats random search on a smooth function with
 * a narrow optimum; early stopping keeps the best epoch's arrays. */
#include "tap.h"
#include "tune/space.h"
#include "tune/sampler.h"
#include "model/early.h"

static double f(const rs_space *s, const double *x)
{
    char a[64], b[64], c[64];
    rs_param_format(&s->p[0], x[0], a, sizeof a);
    rs_param_format(&s->p[1], x[1], b, sizeof b);
    rs_param_format(&s->p[2], x[2], c, sizeof c);
    double lr = atof(a), k = atof(b);
    /* Optimum lr = 0.003 (log scale), k = 40, choice "sgd". */
    double d = log10(lr / 0.003);
    return d * d + (k - 40) * (k - 40) / 400.0 + (strcmp(c, "sgd") ? 0.5 : 0);
}

static double search(const rs_space *s, int kind, uint64_t seed, int n, double *X, double *y)
{
    rs_sampler_opts o;
    rs_sampler_defaults(&o);
    o.kind = kind;
    o.seed = seed;
    double best = HUGE_VAL;
    for (int t = 0; t < n; t++) {
        rs_sampler_propose(s, &o, X, y, (size_t)t, t + 1, X + t * s->n);
        y[t] = f(s, X + t * s->n);
        if (y[t] < best) best = y[t];
    }
    return best;
}

int main(void)
{
    tap t = {0};
    rs_space s;
    rs_err e;
    OK(&t, rs_space_parse("lr float 0.0001 0.1 log\nk int 2 200 log # factors\n\nopt choice sgd adam\n",
                          "space", &s, &e) == 0 && s.n == 3, "a space of three parameters");
    char buf[64];
    double x, lo, hi;
    int good = 1;
    for (int j = 0; j < 3; j++) {
        rs_param_bounds(&s.p[j], &lo, &hi);
        for (int q = 0; q <= 1000; q++) {
            double v = lo + (hi - lo) * q / 1000.0, back;
            rs_param_format(&s.p[j], v, buf, sizeof buf);
            char again[64];
            if (rs_param_parse(&s.p[j], buf, &back) < 0) good = 0;
            rs_param_format(&s.p[j], back, again, sizeof again);
            if (strcmp(buf, again)) good = 0;
        }
    }
    OK(&t, good, "every value formats inside its range and parses back to itself");
    rs_param_format(&s.p[1], log(2) - 0.49, buf, sizeof buf);
    OK(&t, !strcmp(buf, "2"), "an int's lowest value is reachable (%s)", buf);
    OK(&t, rs_param_parse(&s.p[1], "201", &x) < 0 && rs_param_parse(&s.p[1], "2.5", &x) < 0 &&
           rs_param_parse(&s.p[2], "rmsprop", &x) < 0, "values outside the space are refused");
    char *vals[3] = { "0.01", "50", "adam" };
    char *cmd = rs_space_expand(&s, "run --lr {lr} -k {k} --opt {opt} -o t{trial} | awk '{print $1}' {{x}", vals, 7);
    OK(&t, !strcmp(cmd, "run --lr 0.01 -k 50 --opt adam -o t7 | awk '{print $1}' {x}"), "expand: %s", cmd);
    free(cmd);
    OK(&t, rs_space_check_template(&s, "{lr} {k}", &e) < 0 && strstr(e.msg, "'opt'"), "an unused parameter: %s", e.msg);
    OK(&t, rs_space_check_template(&s, "{lr} {k} {opt} {kk}", &e) < 0 && strstr(e.msg, "{kk}"), "an unknown one: %s", e.msg);

    enum { N = 60, R = 8 };
    double X[N * 3], y[N], X2[N * 3], y2[N];
    search(&s, RS_SAMPLER_TPE, 5, N, X, y);
    search(&s, RS_SAMPLER_TPE, 5, N, X2, y2);
    OK(&t, !memcmp(X, X2, sizeof X), "TPE: the same seed, the same proposals");
    double tpe = 0, rnd = 0;
    int wins = 0;
    for (int r = 0; r < R; r++) {
        double a = search(&s, RS_SAMPLER_TPE, (uint64_t)r + 100, N, X, y);
        double b = search(&s, RS_SAMPLER_RANDOM, (uint64_t)r + 100, N, X2, y2);
        tpe += a;
        rnd += b;
        wins += a < b;
    }
    OK(&t, tpe < rnd && wins >= R / 2, "TPE beats random search: mean best %.4f vs %.4f, %d of %d", tpe / R,
       rnd / R, wins, R);
    /* The first trials are random: the same as the random sampler's. */
    search(&s, RS_SAMPLER_RANDOM, 9, 10, X2, y2);
    search(&s, RS_SAMPLER_TPE, 9, 10, X, y);
    OK(&t, !memcmp(X, X2, 30 * sizeof *X), "the startup trials are the random ones");
    rs_space_free(&s);

    float a[3] = { 0 };
    rs_early es;
    rs_early_init(&es, 2, 0);
    rs_early_track(&es, a, 3);
    double metric[] = { 5, 4, 3, 3.5, 3.2, 1 };
    int stop = 0, ep;
    for (ep = 1; ep <= 6 && !stop; ep++) {
        a[0] = (float)ep;
        stop = rs_early_update(&es, ep, metric[ep - 1]);
    }
    OK(&t, stop && ep - 1 == 5, "stopped after 2 epochs without a better metric (epoch %d)", ep - 1);
    OK(&t, rs_early_restore(&es, ep - 1) == 3 && a[0] == 3, "the best epoch's arrays are back");
    rs_early_free(&es);
    return tap_done(&t);
}
