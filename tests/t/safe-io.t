#!/usr/bin/python3
"""Every program, as a Unix tool with safe outputs (TAP):
  - a reader that leaves early (| head) under `set -o pipefail`: status 0,
    nothing on stderr, through the SIGPIPE handler and, with SIGPIPE
    ignored, through the EPIPE error;
  - SIGTERM, SIGINT, SIGHUP in the middle of a run: the temporary files are
    gone and the program dies by the signal;
  - a terminal on standard input: refused at once (status 2) with a hint;
  - a full disk (a small tmpfs, when unshare lets us mount one): the file
    that failed is named, and rs-split's pair stays the old pair."""
import glob, os, pty, shutil, signal, subprocess, sys, tempfile, time

top = os.environ.get("RS_TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
os.environ["PATH"] = (os.environ.get("RS_BIN") or os.path.join(top, "build/bin")) + ":" + os.environ["PATH"]
work = tempfile.mkdtemp()
os.chdir(work)
n = 0


def ok(cond, what, diag=""):
    global n
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond and diag:
        for line in str(diag).splitlines()[:10]:
            print("#   " + line)


def sh(cmd):
    subprocess.run(cmd, shell=True, check=True)


# 3000 users x 40 items: every text output is a few MB, more than a pipe holds.
with open("x.tsv", "w") as f:
    for u in range(1, 3001):
        for k in range(1, 41):
            f.write("u%d\ti%d\t%d\t%d\n" % (u, (u * 7 + k * 13) % 997, (u + k) % 5 + 1, u * 100 + k))
sh("rs-split --last 2 -t test.tsv -o train.tsv x.tsv && rs-index train.tsv > x.bin")
sh("rs-svd -k 4 x.bin > model.rsm && rs-recommend -n 20 -m model.rsm > recs.tsv")
sh("cut -f1,2 test.tsv > pairs.tsv")

# Writers of more than a pipe's worth, to be cut off by head.
writers = {
    "rs-filter": "rs-filter x.tsv",
    "rs-split": "rs-split --last 1 -t t.tsv x.tsv",
    "rs-index": "rs-index x.tsv",
    "rs-index -d": "rs-index -d x.bin",
    "rs-svd": "rs-svd -k 4 x.bin",
    "rs-knn": "rs-knn --users -k 60 --neighbors x.bin",
    "rs-w2v": "rs-w2v --min-count 1 --epochs 1 -j 1 x.tsv",
    "rs-recommend": "rs-recommend -n 50 -m model.rsm",
    "rs-eval": "rs-eval -t test.tsv --per-user -k 1,2,3,4,5,6,7,8,9,10 recs.tsv",
}
for name, cmd in writers.items():
    full = subprocess.run(["bash", "-c", cmd + " | wc -c"], capture_output=True, text=True)
    big = full.returncode == 0 and int(full.stdout) > (3 << 19)
    ok(big, "%s writes more than 1.5 MB (so head cuts it off)" % name, full.stdout + full.stderr)
    for ign, how in (("", "SIGPIPE"), ("trap '' PIPE; ", "EPIPE")):
        r = subprocess.run(["bash", "-c", "set -o pipefail; %s%s 2>err | head -c 100 > /dev/null; "
                            "st=$?; cat err; exit $st" % (ign, cmd)], capture_output=True, text=True)
        ok(r.returncode == 0 and r.stdout == "" and not glob.glob("*.tmp.*"),
           "%s | head: status 0 and quiet (%s)" % (name, how), "status %d\n%s" % (r.returncode, r.stdout))

# Runs that wait on standard input (a pipe left open) with their output
# files open: a signal then finds the temporary files there.
waiting = {
    "rs-filter": ["rs-filter", "-o", "out"],
    "rs-split": ["rs-split", "--last", "1", "-t", "out2", "-o", "out"],
    "rs-index": ["rs-index", "-o", "out"],
    "rs-index -d": ["rs-index", "-d", "-o", "out"],
    "rs-svd": ["rs-svd", "-o", "out"],
    "rs-knn": ["rs-knn", "--items", "-o", "out"],
    "rs-w2v": ["rs-w2v", "-o", "out"],
    "rs-recommend": ["rs-recommend", "--predict", "-m", "model.rsm", "-o", "out"],
    "rs-eval": ["rs-eval", "-t", "test.tsv", "-o", "out"],
}


def interrupted(argv, sig, want_tmps, feed=b""):
    """Start argv, wait for its temporary files, send sig; the status and
    what is left behind."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if feed:
        p.stdin.write(feed)
        p.stdin.flush()
    seen = []
    for _ in range(500):
        seen = glob.glob("*.tmp.*")
        if len(seen) >= want_tmps:
            break
        time.sleep(0.01)
    time.sleep(0.05)
    p.send_signal(sig)
    try:
        st = p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        st = p.wait()
    p.stdin.close()
    return st, seen, glob.glob("*.tmp.*") + glob.glob("out*")


for name, argv in waiting.items():
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        want = 2 if name == "rs-split" else 1
        feed = b"u1\ti1\t4\t1\n" if name in ("rs-filter", "rs-split") else b""
        st, seen, left = interrupted(argv, sig, want, feed)
        ok(len(seen) == want and st == -sig and not left,
           "%s: %s mid-run removes its temporary files" % (name, sig.name),
           "status %s, temporary files seen %s, left %s" % (st, seen, left))

# A busy run, not a waiting one.
st, seen, left = interrupted(["rs-svd", "-a", "bpr", "--iterations", "100000", "-j", "1",
                              "-o", "out", "x.bin"], signal.SIGTERM, 1)
ok(len(seen) == 1 and st == -signal.SIGTERM and not left,
   "rs-svd -a bpr: SIGTERM while training removes its temporary file", "%s %s %s" % (st, seen, left))

# A terminal on standard input.
tty = {
    "rs-filter": (["rs-filter"], "reading ratings from the terminal"),
    "rs-split": (["rs-split", "--last", "1", "-t", "out2", "-o", "out"], "reading interactions"),
    "rs-index": (["rs-index", "-o", "out"], "reading interactions"),
    "rs-index -d": (["rs-index", "-d"], "reading an rs binary stream from the terminal"),
    "rs-svd": (["rs-svd", "-o", "out"], "reading a matrix"),
    "rs-knn": (["rs-knn", "--items", "-o", "out"], "reading a matrix"),
    "rs-w2v": (["rs-w2v", "-o", "out"], "reading interactions"),
    "rs-recommend": (["rs-recommend"], "reading a model from the terminal; give it with -m FILE or a pipe"),
    "rs-recommend --predict": (["rs-recommend", "--predict", "-m", "model.rsm"], "reading (user, item) pairs"),
    "rs-eval": (["rs-eval", "-t", "test.tsv"], "reading recommendations from the terminal"),
}
for name, (argv, want) in tty.items():
    master, slave = pty.openpty()
    t0 = time.time()
    try:
        r = subprocess.run(argv, stdin=slave, capture_output=True, text=True, timeout=10)
        st, err = r.returncode, r.stderr
    except subprocess.TimeoutExpired:
        st, err = None, "waited on the terminal"
    os.close(master)
    os.close(slave)
    ok(st == 2 and want in err and time.time() - t0 < 5 and not glob.glob("out*"),
       "%s: a terminal on stdin is refused at once with a hint" % name, "%s %s" % (st, err))

# A full disk: a 256 KiB tmpfs in a private mount namespace.
mnt = os.path.join(work, "mnt")
os.mkdir(mnt)
probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=256k none '%s'" % mnt],
                       capture_output=True)
if probe.returncode != 0:
    for what in ("pair", "binary"):
        n += 1
        print("ok %d # skip no tmpfs (unshare -rm mount refused)" % n)
else:
    script = """set -u
mount -t tmpfs -o size=256k none mnt
echo old test > mnt/test.tsv
echo old train > mnt/train.tsv
rs-split --last 1 -t mnt/test.tsv -o mnt/train.tsv x.tsv 2> split.err; echo $? > split.st
rs-index -o mnt/x.bin x.tsv 2> index.err; echo $? > index.st
cat mnt/test.tsv mnt/train.tsv > pair.now
ls mnt > mnt.ls
"""
    subprocess.run(["unshare", "-rm", "sh", "-c", script])
    rd = lambda p: open(p).read()
    ok(rd("split.st").strip() == "1" and rd("pair.now") == "old test\nold train\n"
       and rd("split.err") == "rs-split: mnt/train.tsv: write error: No space left on device\n"
       and rd("mnt.ls").split() == ["test.tsv", "train.tsv"],
       "rs-split on a full disk: the old pair stays, the failed file is named",
       rd("split.st") + rd("split.err") + rd("pair.now") + rd("mnt.ls"))
    ok(rd("index.st").strip() == "1"
       and rd("index.err") == "rs-index: mnt/x.bin: write error: No space left on device\n",
       "rs-index binary on a full disk names the file", rd("index.st") + rd("index.err"))

print("1..%d" % n)
shutil.rmtree(work, ignore_errors=True)
