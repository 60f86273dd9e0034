#!/bin/sh
# make bench: every speed comparison, on one ML-20M-sized synthetic file
# generated once (138,493 users, 26,744 items, 20,000,263 ratings).
# Usage: bench/run.sh BIN_DIR [ONLY...]   e.g. bench/run.sh build/bin svd knn
# Figures are ratios against a peer or a limit measured in the same run:
# these machines are noisy, absolute seconds are not comparable across runs.
set -e
bin=$(cd "${1:-build/bin}" && pwd); shift || true
here=$(cd "$(dirname "$0")" && pwd)
work=${RS_BENCH_DIR:-/tmp/rs-bench}
mkdir -p "$work"
data=$work/ml20.csv
if [ ! -s "$data" ]; then
    echo "bench: generating $data (ML-20M size) ..."
    "$bin/rs-gen" > "$data.tmp" && mv "$data.tmp" "$data"
fi
py=/usr/bin/python3
if ! $py -c 'import numpy' 2>/dev/null; then
    echo "bench: no numpy for $py; peers are skipped (apt-get install python3-pandas python3-scipy python3-sklearn python3-gensim)"
fi
echo "bench: machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB"
for s in prep svd recommend knn rp3 ease w2v mf; do
    [ -f "$here/$s.sh" ] || continue
    if [ $# -gt 0 ]; then case " $* " in *" $s "*) ;; *) continue;; esac; fi
    echo
    echo "=== $s ==="
    sh "$here/$s.sh" "$bin" "$data" || echo "bench: $s failed"
done
# The service's refits on ml-latest-small, when the data is there.
mls=$(cd "$here/.." && pwd)/../shared/data/ml-latest-small/ratings.csv.zst
if [ -f "$mls" ] && { [ $# -eq 0 ] || case " $* " in *" serve-recompute "*) true;; *) false;; esac; }; then
    echo
    echo "=== serve-recompute ==="
    sh "$here/serve-recompute.sh" "$bin" "$mls" || echo "bench: serve-recompute failed"
fi
