#!/usr/bin/python3
"""The reference notebooks' design, for bench/serve.sh: a minimal Flask +
numpy service answering GET /recommended?user=ID&n=N from a factor model.

The factors (and each user's seen items) are read once at start from the
text that `rs-index --block NAME MODEL` writes; a query is Q @ P[u] plus the
model's biases, the user's items set to -inf, argpartition + argsort of the
top n, and a JSON answer with ids and scores, as the notebooks do it.

    flask_serve.py MODEL PORT   (rs-index on PATH)
"""
import json
import subprocess
import sys

import numpy as np
from flask import Flask, Response, request


def block(model, name):
    out = subprocess.run(["rs-index", "--block", name, model], capture_output=True,
                         text=True, check=False)
    return out.stdout if out.returncode == 0 else None


# Parsed by numpy's C reader (np.fromstring with a separator), not with a
# Python float() per value: ML-20M's model holds 20M interactions.
def matrix(text):
    ids, rest = [], []
    for line in text.splitlines():
        i, _, r = line.partition("\t")
        ids.append(i)
        rest.append(r)
    m = np.fromstring("\t".join(rest), dtype=np.float32, sep="\t")
    return ids, m.reshape(len(ids), -1)


def vector(text):
    return matrix(text)[1][:, -1].copy()


def main():
    model, port = sys.argv[1], int(sys.argv[2])
    users, P = matrix(block(model, "user_factors"))
    items, Q = matrix(block(model, "item_factors"))
    ub, ib = block(model, "user_bias"), block(model, "item_bias")
    ub = vector(ub) if ub else np.zeros(len(users), np.float32)
    ib = vector(ib) if ib else np.zeros(len(items), np.float32)
    meta = dict(l.split("=", 1) for l in block(model, "meta").split("\n") if "=" in l)
    g = float(meta.get("global_bias", 0))
    indptr = np.fromstring(block(model, "indptr"), dtype=np.int64, sep=" ")
    indices = np.fromstring(block(model, "indices"), dtype=np.int64, sep=" ")
    uidx = {u: k for k, u in enumerate(users)}
    app = Flask(__name__)

    @app.route("/recommended")
    def recommended():
        u = uidx.get(request.args.get("user", ""))
        if u is None:
            return Response(json.dumps({"error": "unknown user"}), 404,
                            mimetype="application/json")
        n = int(request.args.get("n", 10))
        s = Q @ P[u] + ib + ub[u] + g
        s[indices[indptr[u]:indptr[u + 1]]] = -np.inf
        top = np.argpartition(-s, n)[:n]
        top = top[np.argsort(-s[top], kind="stable")]
        return Response(json.dumps({"user": users[u], "items": [items[i] for i in top],
                                    "scores": [float(s[i]) for i in top]}),
                        mimetype="application/json")

    @app.route("/health")
    def health():
        return "ok"

    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.run(host="127.0.0.1", port=port, threaded=True)


if __name__ == "__main__":
    main()
