"""rp3_cmp.py A.tsv B.tsv: two recommendation lists (user, rank, item, score)
agree but for ties: for every user the same length, the same score at every
rank (relative 1e-5), and where the items differ, each is tied (within the
same tolerance) with the item the other list has there.  Prints
"compared N differ D" and exits 1 on a disagreement."""
import sys


def load(path):
    lists = {}
    with open(path) as f:
        for line in f:
            user, rank, item, score = line.rstrip("\n").split("\t")[:4]
            lists.setdefault(user, []).append((item, float(score)))
    return lists


def close(a, b):
    return abs(a - b) <= 1e-5 * max(abs(a), abs(b), 1e-30)


def main(a_path, b_path):
    a, b = load(a_path), load(b_path)
    bad = []
    if set(a) != set(b):
        bad.append("users differ: %d vs %d" % (len(a), len(b)))
    differ = 0
    for user in sorted(set(a) & set(b)):
        la, lb = a[user], b[user]
        if len(la) != len(lb):
            bad.append("user %s: %d vs %d items" % (user, len(la), len(lb)))
            continue
        sa = {i: s for i, s in la}
        sb = {i: s for i, s in lb}
        for r, ((ia, xa), (ib, xb)) in enumerate(zip(la, lb), 1):
            if not close(xa, xb):
                bad.append("user %s rank %d: score %g vs %g" % (user, r, xa, xb))
                break
            if ia != ib:
                differ += 1
                # a tie: each item's score in the other list (or, when it is
                # missing there, the other's last score) is the same score
                last_a, last_b = la[-1][1], lb[-1][1]
                if not close(sb.get(ia, last_b), xa) or not close(sa.get(ib, last_a), xb):
                    bad.append("user %s rank %d: %s vs %s, not tied" % (user, r, ia, ib))
                    break
    print("compared %d differ %d" % (len(a), differ))
    for m in bad[:5]:
        print("# " + m)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
