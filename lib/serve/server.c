/* server.c: HTTP routing, request bodies, refits and metrics; see server.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "common/json.h"
#include "common/progress.h"
#include "serve/body.h"
#include "serve/model.h"
#include "serve/query.h"
#include "serve/refit.h"
#include "serve/server.h"
#include "serve/stats.h"

enum { EP_RECOMMENDED, EP_RECS, EP_RECOMMEND, EP_VIEWED, EP_SIMILAR, EP_PREDICT,
       EP_RECOMPUTE, EP_METRICS, EP_HEALTH, EP_OTHER, EP_N };

static const struct endpoint {
    const char *path;
    const char *allow;          /* methods, as the Allow header lists them */
} eps[EP_N] = {
    { "/recommended", "GET, HEAD, POST" }, { "/recs", "GET, HEAD" },
    { "/recommend", "POST" }, { "/viewed", "GET, HEAD" }, { "/similar", "GET, HEAD" },
    { "/predict", "GET, HEAD" }, { "/recompute", "POST" }, { "/metrics", "GET, HEAD" },
    { "/health", "GET, HEAD" }, { "other", "" },
};

struct rs_srv {
    rs_srv_opts o;
    struct MHD_Daemon *d;
    rs_srv_slot slot;
    rs_srv_model *train;        /* --train, or NULL */
    rs_srv_stat stat[EP_N];
    atomic_long inflight;
    char addr[96];
    double started, load_seconds;
    atomic_uint_least64_t reloads;
    /* The refit, under mu. */
    pthread_mutex_t mu;
    int fit_running, fit_joinable;
    pthread_t fit_tid;
    rs_srv_fit fit;
    rs_srv_model *fit_src, *fit_from;
    double fit_started;
    uint64_t fits_ok, fits_failed;
    int fit_last_ok;
    rs_srv_phases fit_last;
    double fit_last_total;
    char fit_last_msg[512];
};

typedef struct req {
    uint64_t t0;
    int ep, status, too_big;
    char *body;
    size_t len, cap;
} req;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void logf_(const rs_srv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(const rs_srv *s, const char *fmt, ...)
{
    if (!s->o.log) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->o.log(s->o.log_ctx, msg);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    const rs_srv *s = cls;
    if (!s->o.log) return;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n') msg[--n] = '\0';
    s->o.log(s->o.log_ctx, msg);
}

static int route(const char *url)
{
    for (int k = 0; k < EP_OTHER; k++)
        if (strcmp(url, eps[k].path) == 0) return k;
    return EP_OTHER;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, req *r, rs_srv_reply *rep,
                                  uint64_t version, const char *allow)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(rep->len, rep->body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        rs_srv_reply_free(rep);
        return MHD_NO;
    }
    rep->body = NULL;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->type);
    if (version) {
        char v[32];
        snprintf(v, sizeof v, "%llu", (unsigned long long)version);
        MHD_add_response_header(resp, "X-RS-Model-Version", v);
    }
    if (allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    r->status = rep->status;
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)rep->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

typedef struct argsink {
    rs_srv_args *a;
    size_t seen;
} argsink;

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    argsink *s = cls;
    s->seen++;
    rs_srv_args_add(s->a, key, value);
    return MHD_YES;
}

/* ---- /health and /metrics ---- */

/* Close j's outer object and hand its text to rep as the body. */
static void json_reply(rs_srv_reply *rep, int status, rs_json *j)
{
    rs_json_object_end(j);
    rs_json_newline(j);
    rep->status = status;
    rep->type = RS_SRV_JSON;
    rep->body = j->buf;
    rep->len = j->len;
}

static void health(rs_srv *s, const rs_srv_model *m, rs_srv_reply *rep)
{
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_object_begin(&j);
    rs_json_key(&j, "status"); rs_json_string(&j, "ok");
    rs_json_key(&j, "model"); rs_json_string(&j, m->kind);
    rs_json_key(&j, "version"); rs_json_uint(&j, m->version);
    rs_json_key(&j, "users"); rs_json_uint(&j, m->train->rows);
    rs_json_key(&j, "items"); rs_json_uint(&j, m->train->cols);
    pthread_mutex_lock(&s->mu);
    int running = s->fit_running;
    pthread_mutex_unlock(&s->mu);
    rs_json_key(&j, "refitting"); rs_json_bool(&j, running);
    json_reply(rep, 200, &j);
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void prom_label(FILE *f, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"') putc('\\', f);
        if (*v == '\n') { fputs("\\n", f); continue; }
        putc(*v, f);
    }
}

static const double quantiles[] = { 0.5, 0.9, 0.99, 0.999 };

typedef struct fitinfo {
    int running, last_ok;
    uint64_t ok, failed;
    rs_srv_phases t;
    double total, running_for;
    char msg[512];
} fitinfo;

static void fit_info(rs_srv *s, fitinfo *fi)
{
    pthread_mutex_lock(&s->mu);
    fi->running = s->fit_running;
    fi->running_for = s->fit_running ? rs_now() - s->fit_started : 0;
    fi->last_ok = s->fit_last_ok;
    fi->ok = s->fits_ok;
    fi->failed = s->fits_failed;
    fi->t = s->fit_last;
    fi->total = s->fit_last_total;
    memcpy(fi->msg, s->fit_last_msg, sizeof fi->msg);
    pthread_mutex_unlock(&s->mu);
}

static void metrics_text(rs_srv *s, const rs_srv_model *m, rs_srv_reply *rep)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        rs_srv_error(rep, 500, "out of memory");
        return;
    }
    fitinfo fi;
    fit_info(s, &fi);
    fputs("# HELP rs_model_info The model being served (value 1).\n# TYPE rs_model_info gauge\n", f);
    fputs("rs_model_info{kind=\"", f);
    prom_label(f, m->kind);
    fputs("\",source=\"", f);
    prom_label(f, m->source);
    fputs("\"} 1\n", f);
    fprintf(f, "# TYPE rs_model_version gauge\nrs_model_version %llu\n",
            (unsigned long long)m->version);
    fprintf(f, "# TYPE rs_model_users gauge\nrs_model_users %u\n", m->train->rows);
    fprintf(f, "# TYPE rs_model_items gauge\nrs_model_items %u\n", m->train->cols);
    fprintf(f, "# TYPE rs_model_interactions gauge\nrs_model_interactions %llu\n",
            (unsigned long long)m->train->nnz);
    fprintf(f, "# TYPE rs_model_bytes gauge\nrs_model_bytes %zu\n", m->bytes);
    fputs("# HELP rs_model_seconds Time to make the current model, by phase.\n"
          "# TYPE rs_model_seconds gauge\n", f);
    fprintf(f, "rs_model_seconds{phase=\"read\"} %.6f\nrs_model_seconds{phase=\"fit\"} %.6f\n"
            "rs_model_seconds{phase=\"open\"} %.6f\nrs_model_seconds{phase=\"titles\"} %.6f\n",
            m->t.read, m->t.fit, m->t.open, m->t.titles);
    fputs("# HELP rs_refit_seconds The last refit's time, by phase.\n"
          "# TYPE rs_refit_seconds gauge\n", f);
    fprintf(f, "rs_refit_seconds{phase=\"fit\"} %.6f\nrs_refit_seconds{phase=\"open\"} %.6f\n"
            "rs_refit_seconds{phase=\"titles\"} %.6f\nrs_refit_seconds{phase=\"total\"} %.6f\n",
            fi.t.fit, fi.t.open, fi.t.titles, fi.total);
    fprintf(f, "# TYPE rs_refit_running gauge\nrs_refit_running %d\n", fi.running);
    fprintf(f, "# TYPE rs_refits_total counter\nrs_refits_total{result=\"ok\"} %llu\n"
            "rs_refits_total{result=\"failed\"} %llu\n", (unsigned long long)fi.ok,
            (unsigned long long)fi.failed);
    fprintf(f, "# TYPE rs_reloads_total counter\nrs_reloads_total %llu\n",
            (unsigned long long)atomic_load(&s->reloads));
    fprintf(f, "# TYPE rs_uptime_seconds gauge\nrs_uptime_seconds %.3f\n", rs_now() - s->started);
    fputs("# HELP rs_requests_total Requests answered, by endpoint and status.\n"
          "# TYPE rs_requests_total counter\n", f);
    for (int ep = 0; ep < EP_N; ep++)
        for (int k = 0; k < RS_SRV_NCODES; k++) {
            uint64_t n = atomic_load_explicit(&s->stat[ep].count[k], memory_order_relaxed);
            if (!n) continue;
            int code = rs_srv_stat_code(k);
            fprintf(f, "rs_requests_total{endpoint=\"%s\",code=\"", eps[ep].path);
            if (code) fprintf(f, "%d", code);
            else fputs("other", f);
            fprintf(f, "\"} %llu\n", (unsigned long long)n);
        }
    fputs("# HELP rs_request_seconds Request latency, from the request to the last byte "
          "sent.\n# TYPE rs_request_seconds summary\n", f);
    for (int ep = 0; ep < EP_N; ep++) {
        const rs_srv_stat *st = &s->stat[ep];
        uint64_t n = rs_srv_stat_total(st);
        if (!n) continue;
        for (size_t q = 0; q < sizeof quantiles / sizeof quantiles[0]; q++)
            fprintf(f, "rs_request_seconds{endpoint=\"%s\",quantile=\"%g\"} %.6g\n",
                    eps[ep].path, quantiles[q], rs_srv_stat_quantile(st, quantiles[q]));
        fprintf(f, "rs_request_seconds_sum{endpoint=\"%s\"} %.6f\n", eps[ep].path,
                1e-9 * (double)atomic_load_explicit(&st->sum_ns, memory_order_relaxed));
        fprintf(f, "rs_request_seconds_count{endpoint=\"%s\"} %llu\n", eps[ep].path,
                (unsigned long long)n);
    }
    fputs("# HELP rs_request_last_seconds The latest request's latency, by endpoint.\n"
          "# TYPE rs_request_last_seconds gauge\n", f);
    for (int ep = 0; ep < EP_N; ep++)
        if (rs_srv_stat_total(&s->stat[ep]))
            fprintf(f, "rs_request_last_seconds{endpoint=\"%s\"} %.6g\n", eps[ep].path,
                    1e-9 * (double)atomic_load_explicit(&s->stat[ep].last_ns,
                                                        memory_order_relaxed));
    if (fclose(f) != 0) {
        free(text);
        rs_srv_error(rep, 500, "out of memory");
        return;
    }
    rep->status = 200;
    rep->type = "text/plain; version=0.0.4; charset=utf-8";
    rep->body = text;
    rep->len = len;
}

static void phases_json(rs_json *j, const rs_srv_phases *t, double total)
{
    rs_json_object_begin(j);
    rs_json_key(j, "read"); rs_json_number(j, t->read);
    rs_json_key(j, "fit"); rs_json_number(j, t->fit);
    rs_json_key(j, "open"); rs_json_number(j, t->open);
    rs_json_key(j, "titles"); rs_json_number(j, t->titles);
    if (total >= 0) { rs_json_key(j, "total"); rs_json_number(j, total); }
    rs_json_object_end(j);
}

static void metrics_json(rs_srv *s, const rs_srv_model *m, rs_srv_reply *rep)
{
    fitinfo fi;
    fit_info(s, &fi);
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_object_begin(&j);
    rs_json_key(&j, "model");
    rs_json_object_begin(&j);
    rs_json_key(&j, "kind"); rs_json_string(&j, m->kind);
    rs_json_key(&j, "source"); rs_json_string(&j, m->source);
    rs_json_key(&j, "version"); rs_json_uint(&j, m->version);
    rs_json_key(&j, "users"); rs_json_uint(&j, m->train->rows);
    rs_json_key(&j, "items"); rs_json_uint(&j, m->train->cols);
    rs_json_key(&j, "interactions"); rs_json_uint(&j, m->train->nnz);
    rs_json_key(&j, "bytes"); rs_json_uint(&j, m->bytes);
    rs_json_key(&j, "seconds"); phases_json(&j, &m->t, -1);
    rs_json_object_end(&j);
    rs_json_key(&j, "refit");
    rs_json_object_begin(&j);
    rs_json_key(&j, "running"); rs_json_bool(&j, fi.running);
    if (fi.running) { rs_json_key(&j, "running_seconds"); rs_json_number(&j, fi.running_for); }
    rs_json_key(&j, "ok"); rs_json_uint(&j, fi.ok);
    rs_json_key(&j, "failed"); rs_json_uint(&j, fi.failed);
    if (fi.ok + fi.failed) {
        rs_json_key(&j, "last"); rs_json_string(&j, fi.msg);
        rs_json_key(&j, "last_ok"); rs_json_bool(&j, fi.last_ok);
        rs_json_key(&j, "seconds"); phases_json(&j, &fi.t, fi.total);
    }
    rs_json_object_end(&j);
    rs_json_key(&j, "reloads"); rs_json_uint(&j, atomic_load(&s->reloads));
    rs_json_key(&j, "uptime_seconds"); rs_json_number(&j, rs_now() - s->started);
    rs_json_key(&j, "endpoints");
    rs_json_object_begin(&j);
    for (int ep = 0; ep < EP_N; ep++) {
        const rs_srv_stat *st = &s->stat[ep];
        uint64_t n = rs_srv_stat_total(st);
        if (!n) continue;
        rs_json_key(&j, eps[ep].path);
        rs_json_object_begin(&j);
        rs_json_key(&j, "requests"); rs_json_uint(&j, n);
        rs_json_key(&j, "status");
        rs_json_object_begin(&j);
        for (int k = 0; k < RS_SRV_NCODES; k++) {
            uint64_t c = atomic_load_explicit(&st->count[k], memory_order_relaxed);
            if (!c) continue;
            char code[16];
            int v = rs_srv_stat_code(k);
            if (v) snprintf(code, sizeof code, "%d", v);
            else snprintf(code, sizeof code, "other");
            rs_json_key(&j, code);
            rs_json_uint(&j, c);
        }
        rs_json_object_end(&j);
        rs_json_key(&j, "last_seconds");
        rs_json_number(&j, 1e-9 * (double)atomic_load_explicit(&st->last_ns, memory_order_relaxed));
        rs_json_key(&j, "mean_seconds");
        rs_json_number(&j, 1e-9 * (double)atomic_load_explicit(&st->sum_ns, memory_order_relaxed)
                               / (double)n);
        static const char *const qn[] = { "p50_seconds", "p90_seconds", "p99_seconds",
                                          "p999_seconds" };
        for (size_t q = 0; q < 4; q++) {
            rs_json_key(&j, qn[q]);
            rs_json_number(&j, rs_srv_stat_quantile(st, quantiles[q]));
        }
        rs_json_object_end(&j);
    }
    rs_json_object_end(&j);
    json_reply(rep, 200, &j);
}

/* ---- refits ---- */

static void *fit_main(void *arg)
{
    rs_srv *s = arg;
    double t0 = rs_now();
    rs_bundle out = { 0 };
    rs_err e = { 0 };
    rs_srv_model *m = NULL;
    int rc = rs_srv_fit_run(&s->fit, &s->fit_src->b, &out, &e);
    double tfit = rs_now() - t0;
    if (rc == 0) m = rs_srv_model_open(&out, NULL, s->fit_src, s->o.titles_path, &e);
    else rs_bundle_free(&out);
    double total = rs_now() - t0;
    char msg[512];
    if (m) {
        m->t.fit = tfit;
        snprintf(m->source, sizeof m->source, "refit of %.80s%s%.60s", s->fit_from->source,
                 *s->fit.desc ? ": " : "", s->fit.desc);
        snprintf(msg, sizeof msg, "refit %s%s%.100s done in %.3f s", m->kind,
                 *s->fit.desc ? " " : "", s->fit.desc, total);
    } else {
        snprintf(msg, sizeof msg, "refit %s%s%.100s failed: %.300s", s->fit.kind,
                 *s->fit.desc ? " " : "", s->fit.desc, e.msg);
    }
    rs_srv_phases ph = { 0 };
    if (m) {
        ph = m->t;
        rs_srv_slot_swap(&s->slot, m);     /* in flight requests keep the old one */
    }
    rs_srv_model_unref(s->fit_src);
    rs_srv_model_unref(s->fit_from);
    pthread_mutex_lock(&s->mu);
    s->fit_src = s->fit_from = NULL;
    s->fit_running = 0;
    s->fit_last_ok = m != NULL;
    if (m) s->fits_ok++;
    else s->fits_failed++;
    s->fit_last = ph;
    s->fit_last_total = total;
    memcpy(s->fit_last_msg, msg, sizeof msg);
    pthread_mutex_unlock(&s->mu);
    logf_(s, "%s", msg);
    return NULL;
}

static void recompute(rs_srv *s, rs_srv_model *m, const rs_srv_args *a, rs_srv_reply *rep)
{
    rs_srv_model *src = s->train ? s->train : m;
    rs_srv_fit f;
    rs_err e = { 0 };
    if (rs_srv_fit_prepare(&m->b, m->kind, a, src->train->rows, src->train->cols,
                           s->o.fit_threads, &f, &e) < 0) {
        rs_srv_error(rep, 400, "%s", e.msg);
        return;
    }
    pthread_mutex_lock(&s->mu);
    if (s->fit_running) {
        pthread_mutex_unlock(&s->mu);
        rs_srv_error(rep, 409, "a refit is already running");
        return;
    }
    if (s->fit_joinable) pthread_join(s->fit_tid, NULL);   /* finished: fit_running is 0 */
    s->fit_joinable = 0;
    s->fit = f;
    s->fit_src = rs_srv_model_ref(src);
    s->fit_from = rs_srv_model_ref(m);
    s->fit_started = rs_now();
    if (pthread_create(&s->fit_tid, NULL, fit_main, s) != 0) {
        rs_srv_model_unref(s->fit_src);
        rs_srv_model_unref(s->fit_from);
        s->fit_src = s->fit_from = NULL;
        pthread_mutex_unlock(&s->mu);
        rs_srv_error(rep, 503, "cannot start a thread for the refit");
        return;
    }
    s->fit_running = s->fit_joinable = 1;
    pthread_mutex_unlock(&s->mu);
    logf_(s, "refit %s%s%s started", f.kind, *f.desc ? " " : "", f.desc);
    rs_json j;
    rs_json_init_buf(&j, 0);
    rs_json_object_begin(&j);
    rs_json_key(&j, "status"); rs_json_string(&j, "started");
    rs_json_key(&j, "model"); rs_json_string(&j, f.kind);
    rs_json_key(&j, "options"); rs_json_string(&j, f.desc);
    rs_json_key(&j, "version"); rs_json_uint(&j, m->version);
    json_reply(rep, 202, &j);
}

/* ---- requests ---- */

static int is_get(const char *method)
{
    return !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
}

static int allowed(int ep, const char *method)
{
    int get = is_get(method), post = !strcmp(method, MHD_HTTP_METHOD_POST);
    switch (ep) {
    case EP_RECOMMENDED: return get || post;
    case EP_RECOMMEND: case EP_RECOMPUTE: return post;
    case EP_OTHER: return 1;
    default: return get;
    }
}

static void answer(rs_srv *s, struct MHD_Connection *c, req *r, const char *url,
                   const char *method, rs_srv_model *m, rs_srv_reply *rep)
{
    if (r->ep == EP_OTHER) {
        char shown[80];
        snprintf(shown, sizeof shown, "%s", url);
        rs_srv_error(rep, 404, "no such endpoint '%s' (try /recommended, /viewed, /similar, "
                     "/predict, /recommend, /recompute, /metrics, /health)", shown);
        return;
    }
    if (!allowed(r->ep, method)) {
        rs_srv_error(rep, 405, "%s takes %s, not %.16s", eps[r->ep].path, eps[r->ep].allow,
                     method);
        return;
    }
    /* Parameters: a JSON body's members first, then the URL's. */
    rs_srv_body body;
    if (rs_srv_body_parse(r->body, r->len, &body, rep) < 0) {
        rs_srv_body_free(&body);
        return;
    }
    rs_srv_args a = body.args;
    argsink sink = { &a, a.n };
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &sink);
    if (sink.seen > RS_SRV_ARGS_MAX) {
        rs_srv_error(rep, 400, "more than %d parameters", RS_SRV_ARGS_MAX);
        rs_srv_body_free(&body);
        return;
    }
    int json = 0;
    switch (r->ep) {
    case EP_RECOMMENDED: rs_srv_recommended(m, &a, "user", "n", 0, rep); break;
    case EP_RECS: rs_srv_recommended(m, &a, "user_id", "top", 1, rep); break;
    case EP_RECOMMEND: rs_srv_history_recommend(m, &a, &body.hist, rep); break;
    case EP_VIEWED: rs_srv_viewed(s->train ? s->train : m, &a, rep); break;
    case EP_SIMILAR: rs_srv_similar(m, &a, rep); break;
    case EP_PREDICT: rs_srv_predict(m, &a, rep); break;
    case EP_RECOMPUTE: recompute(s, m, &a, rep); break;
    case EP_HEALTH: health(s, m, rep); break;
    case EP_METRICS: {
        const char *fmt = rs_srv_arg(&a, "format", NULL);
        json = fmt && !strcmp(fmt, "json");
        if (fmt && !json && strcmp(fmt, "prometheus"))
            rs_srv_error(rep, 400, "parameter 'format': '%.32s' is not one of prometheus, json",
                         fmt);
        else if (json) metrics_json(s, m, rep);
        else metrics_text(s, m, rep);
        break;
    }
    default: break;
    }
    rs_srv_body_free(&body);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)version;
    rs_srv *s = cls;
    req *r = *con_cls;
    rs_srv_reply rep = { 0 };
    if (!r) {
        r = rs_xcalloc(1, sizeof *r);
        r->t0 = now_ns();
        r->ep = route(url);
        *con_cls = r;
        atomic_fetch_add(&s->inflight, 1);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > s->o.max_body) {
            r->too_big = 1;
            rs_srv_error(&rep, 413, "request body of %.20s bytes; the limit is %zu", cl,
                         s->o.max_body);
            return send_reply(c, r, &rep, 0, NULL);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->too_big && r->len + *upload_size > s->o.max_body) {
            r->too_big = 1;
            free(r->body);
            r->body = NULL;
            r->len = 0;
        }
        if (!r->too_big) {
            rs_grow(&r->body, &r->cap, r->len + *upload_size + 1, 1);
            memcpy(r->body + r->len, upload, *upload_size);
            r->len += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->too_big) {
        rs_srv_error(&rep, 413, "request body over the limit of %zu bytes", s->o.max_body);
        return send_reply(c, r, &rep, 0, NULL);
    }
    rs_srv_model *m = rs_srv_slot_get(&s->slot);
    answer(s, c, r, url, method, m, &rep);
    enum MHD_Result ret = send_reply(c, r, &rep, m->version,
                                     rep.status == 405 ? eps[r->ep].allow : NULL);
    rs_srv_model_unref(m);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    rs_srv *s = cls;
    req *r = *con_cls;
    if (!r) return;
    rs_srv_stat_add(&s->stat[r->ep], r->status ? r->status : 500, now_ns() - r->t0);
    free(r->body);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

/* ---- start, reload, stop ---- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
                        int *v6, rs_err *e)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || !colon[1] || (size_t)(colon - listen) >= sizeof host)
        return rs_errf(e, RS_EUSAGE, "--listen: '%s' is not HOST:PORT", listen);
    size_t hl = (size_t)(colon - listen);
    memcpy(host, listen, hl);
    host[hl] = '\0';
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || port > 65535 || colon[1] < '0' || colon[1] > '9')
        return rs_errf(e, RS_EUSAGE, "--listen: '%s' is not a port (0 to 65535)", colon + 1);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV | AI_PASSIVE }, *res = NULL;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0 || !res)
        return rs_errf(e, RS_EUSAGE, "--listen: cannot resolve '%s': %s", host,
                       gai_strerror(rc));
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

static void bound_address(rs_srv *s)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (di && getsockname(di->listen_fd, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
            port = ntohs(a->sin6_port);
            snprintf(s->addr, sizeof s->addr, "[%s]:%u", host, port);
            return;
        }
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
    }
    snprintf(s->addr, sizeof s->addr, "%s:%u", host, port);
}

static void srv_free(rs_srv *s)
{
    if (s->slot.cur) rs_srv_slot_free(&s->slot);
    rs_srv_model_unref(s->train);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

rs_srv *rs_srv_start(const rs_srv_opts *o, rs_err *e)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    int v6 = 0;
    if (parse_listen(o->listen, &ss, &sslen, &v6, e) < 0) return NULL;
    rs_srv *s = rs_xcalloc(1, sizeof *s);
    s->o = *o;
    if (s->o.threads < 1) s->o.threads = 1;
    if (s->o.fit_threads < 1) s->o.fit_threads = 1;
    pthread_mutex_init(&s->mu, NULL);
    atomic_init(&s->inflight, 0);
    s->started = rs_now();
    rs_srv_model *m = rs_srv_model_load(o->model_path, NULL, o->titles_path, e);
    if (!m) {
        srv_free(s);
        return NULL;
    }
    rs_srv_slot_init(&s->slot, m);
    if (o->train_path &&
        !(s->train = rs_srv_model_load(o->train_path, "popular", o->titles_path, e))) {
        srv_free(s);
        return NULL;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.threads,
                            MHD_OPTION_NOTIFY_COMPLETED, completed, s,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                            MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
                            /* Each request clears its connection's pool: 16 KB
                             * (not MHD's 32) halves that memset and still
                             * holds 8 KB of request line and headers
                             * (longer: MHD's 414); bodies stream through. */
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
                            MHD_OPTION_END);
    if (!s->d) {
        rs_errf(e, RS_EDATA, "cannot listen on %s: %s", o->listen,
                errno ? strerror(errno) : "libmicrohttpd failed to start");
        srv_free(s);
        return NULL;
    }
    bound_address(s);
    return s;
}

const char *rs_srv_address(const rs_srv *s)
{
    return s->addr;
}

int rs_srv_reload(rs_srv *s, rs_err *e)
{
    rs_srv_model *m = rs_srv_model_load(s->o.model_path, NULL, s->o.titles_path, e);
    if (!m) return -1;
    rs_srv_slot_swap(&s->slot, m);
    atomic_fetch_add(&s->reloads, 1);
    return 0;
}

int rs_srv_stop(rs_srv *s, double grace)
{
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    double t0 = rs_now();
    while (atomic_load(&s->inflight) > 0 && rs_now() - t0 < grace) {
        struct timespec ts = { 0, 5000000 };
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    int running;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        running = s->fit_running;
        pthread_mutex_unlock(&s->mu);
        if (!running || rs_now() - t0 >= grace) break;
        struct timespec ts = { 0, 20000000 };
        nanosleep(&ts, NULL);
    }
    if (running) return 1;
    if (s->fit_joinable) pthread_join(s->fit_tid, NULL);
    srv_free(s);
    return 0;
}
