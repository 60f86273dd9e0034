#!/bin/sh
# Regenerate the synthetic sample in this directory with rs-gen.
# Usage: testdata/regen.sh [RS-GEN]   (default: $RS_BIN/rs-gen, else build/bin/rs-gen)
# The output depends only on the options below, so it comes out byte for byte the same.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gen=${1:-${RS_BIN:-$here/../build/bin}/rs-gen}
[ -x "$gen" ] || { echo "regen.sh: $gen not found; run 'make' first or name rs-gen" >&2; exit 2; }
"$gen" --seed 1 --users 600 --items 1500 --ratings 40000 -o "$here/ratings.csv"
"$gen" --seed 1 --items 1500 --movies -o "$here/movies.csv"
