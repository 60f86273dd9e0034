#!/usr/bin/env python3
# Every example command of every program's --help ("Examples:" section) and
# of every man page's EXAMPLES section is run, as written, in a temporary
# directory holding the files the examples name (made from testdata/ first).
# An example that cannot run as written is a wrong example: change the
# example, not this test.  Only examples that need what a test machine
# cannot have are on SKIP, each with its reason; an example that is neither
# run nor on SKIP, or a SKIP entry that matches no example, fails.
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.environ.get("RS_TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("RS_BIN") or os.path.join(TOP, "build", "bin")
PROGS = ["rs-filter", "rs-split", "rs-index", "rs-svd", "rs-knn", "rs-w2v", "rs-recommend", "rs-eval", "rs-search", "rs-plot"]

# Seconds an example may take: the sanitizer pass runs searches of a dozen
# trainings under ASan, on a busy machine.
LIMIT = 300 if os.environ.get("RS_TEST_QUICK") else 120

# Substring of the example -> why it is not run.
SKIP = {
    "redis-cli --pipe": "needs a running Redis server",
    "redis-cli LRANGE": "needs a running Redis server",
    "rs-serve -m": "starts a server; tests/t/serve.t runs every endpoint",
    "pkill -HUP -x rs-serve": "signals a running server; tests/t/serve.t reloads one",
    "xdg-open": "opens a browser on a running server; tests/t/serve.t fetches /recs",
    "mongoimport": "needs a running MongoDB server",
    "--hostfile": "needs machines to run on; tests/t/mpi.t runs rs-svd-mpi on local ranks",
}

# What the examples read, made once from testdata/.
SETUP = r"""
set -e
cp "$TESTDATA/ratings.csv" "$TESTDATA/movies.csv" .
zstd -q -f ratings.csv -o ratings.csv.zst
rs-filter ratings.csv > ratings.tsv
mkdir -p ml-1m
awk -F, 'NR > 1 { print $1 "::" $2 "::" int($3 + 0.5) "::" $4 }' ratings.csv > ml-1m/ratings.dat
cp ratings.tsv u.data
awk -F, 'BEGIN { print "order,customer,product,stars" } NR > 1 { print NR "," $1 "," $2 "," $3 }' \
    ratings.csv > export.csv
rs-filter --min-rating 4 ratings.csv | rs-split --last 5 -t test.tsv > train.tsv
rs-index train.tsv > train.rsm
rs-index --chunks 4 train.tsv > chunked.rsm
rs-index --ids-from train.rsm test.tsv > test.rsm
rs-svd -k 20 train.rsm > model.rsm
rs-svd -a funk -k 10 --epochs 10 train.rsm > funk.rsm
rs-knn --users -k 20 train.rsm > users.rsm
rs-knn --items --weight bm25 -k 50 train.rsm > bm25.rsm
rs-recommend -n 10 model.rsm > recs.tsv
rs-recommend -m model.rsm --predict test.tsv > pred.tsv
head -20 test.tsv | sed 's/^/new-/' > new-users.tsv
"""


def help_examples(prog):
    out = subprocess.run([os.path.join(BIN, prog), "--help"], capture_output=True, text=True).stdout
    lines, cmds, inside = out.splitlines(), [], False
    for line in lines:
        if line.startswith("Examples:") or line.startswith("Example:"):
            inside = True
            continue
        if inside:
            if not line.strip():
                break
            cmds.append(line.strip())
    return join_continuations(cmds)


def join_continuations(lines):
    out, cur = [], ""
    for line in lines:
        if line.endswith("\\"):
            cur += line[:-1].rstrip() + " "
            continue
        out.append(cur + line.strip())
        cur = ""
    if cur:
        out.append(cur)
    return out


def unroff(line):
    line = line.replace("\\-", "-").replace("\\e", "\\").replace("\\(+-", "+-")
    return line


def man_examples(path):
    """Each .nf/.fi block of the EXAMPLES section, as one script."""
    blocks, inside, cur, section = [], False, None, False
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith(".SH"):
                section = line.split(None, 1)[1:] == ["EXAMPLES"]
                continue
            if not section:
                continue
            if line.startswith(".nf"):
                cur, inside = [], True
            elif line.startswith(".fi"):
                if cur:
                    blocks.append("\n".join(cur))
                inside = False
            elif inside and not line.startswith("."):
                cur.append(unroff(line))
    return blocks


def main():
    env = dict(os.environ)
    # The Debian python3 is the one with the peers (gensim) the examples use.
    env["PATH"] = os.pathsep.join([BIN, "/usr/bin", env.get("PATH", "")])
    if subprocess.run(["/usr/bin/python3", "-c", "import gensim"], capture_output=True).returncode:
        SKIP["from gensim"] = "needs python3-gensim"
    env["TESTDATA"] = os.path.join(TOP, "testdata")
    # rs-svd-mpi is built only where Open MPI's mpicc is; its examples need
    # mpirun too.  Open MPI refuses root unless told (CI runs as root), and
    # its slots are the cores: a 1-core machine may still run -np 2.
    mpi_env = env
    if os.access(os.path.join(BIN, "rs-svd-mpi"), os.X_OK) and shutil.which("mpirun", path=env["PATH"]):
        PROGS.append("rs-svd-mpi")
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                   OMPI_MCA_rmaps_base_oversubscribe="1")
        # Open MPI's own allocations outlive MPI_Finalize: not ours to report.
        mpi_env = dict(env, ASAN_OPTIONS=(env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":"))
    else:
        SKIP["rs-svd-mpi"] = "needs Open MPI (mpirun, and rs-svd-mpi built with mpicc)"
    work = tempfile.mkdtemp(prefix="rs-examples.")
    try:
        prep = subprocess.run(["sh", "-c", SETUP], cwd=work, env=env, capture_output=True, text=True)
        if prep.returncode != 0:
            print("1..1\nnot ok 1 - the examples' files could not be made")
            sys.stdout.write("# " + prep.stderr.replace("\n", "\n# ") + "\n")
            return
        cases = []
        for prog in PROGS:
            for cmd in help_examples(prog):
                cases.append((prog + " --help", cmd))
        for name in sorted(os.listdir(os.path.join(TOP, "man"))):
            if re.match(r"rs-.*\.[15]$", name):
                for block in man_examples(os.path.join(TOP, "man", name)):
                    cases.append(("man/" + name, block))
        used = set()
        print("1..%d" % (len(cases) + 1))
        n = 0
        for where, script in cases:
            n += 1
            title = "%s: %s" % (where, script.splitlines()[0][:70])
            hits = [k for k in SKIP if k in script]
            used.update(hits)
            why = hits[0] if hits else None
            if why:
                print("ok %d # skip %s (%s)" % (n, title, SKIP[why]))
                continue
            # Each example in a copy of the prepared directory: one must not
            # feed another, and the order must not matter.
            d = tempfile.mkdtemp(dir=work)
            for f in os.listdir(work):
                p = os.path.join(work, f)
                if os.path.isfile(p):
                    shutil.copy(p, d)
                elif os.path.isdir(p) and not f.startswith("tmp"):
                    shutil.copytree(p, os.path.join(d, f))
            try:
                r = subprocess.run(["sh", "-ec", script], cwd=d, env=mpi_env if "mpirun" in script else env,
                                   capture_output=True,
                                   text=True, stdin=subprocess.DEVNULL, timeout=LIMIT)
            except subprocess.TimeoutExpired:
                r = subprocess.CompletedProcess(script, 124, "", "timed out after %d s" % LIMIT)
            bad = r.returncode != 0 or re.search(r"^rs-[a-z]+: ", r.stderr, re.M) and \
                re.search(r"(error|cannot|not |bad |invalid)", r.stderr)
            print("%s %d - %s" % ("not ok" if bad else "ok", n, title))
            if bad:
                sys.stdout.write("# exit %d\n# %s\n" % (r.returncode, r.stderr.strip().replace("\n", "\n# ")))
            shutil.rmtree(d, ignore_errors=True)
        stale = sorted(set(SKIP) - used)
        n += 1
        print("%s %d - every SKIP entry names an example%s" %
              ("not ok" if stale else "ok", n, (": stale " + ", ".join(stale)) if stale else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


main()
