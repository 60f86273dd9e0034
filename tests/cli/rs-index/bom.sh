# A UTF-8 byte order mark is not part of the first id, for every text reader
# (rs_in drops it): rs-index here; rs-filter, rs-split, rs-eval, rs-w2v and
# rs-recommend have their own bom cases.  Also through zstd.
printf '\357\273\277u1\ti1\t4\nu2\ti1\t3\n' > bom.tsv
rs-index bom.tsv | rs-index --block users
rs-index bom.tsv | rs-index --decode | od -c | head -1
zstd -q -c bom.tsv > bom.tsv.zst
rs-index bom.tsv.zst | rs-index --decode > back.tsv
tail -c +4 bom.tsv | cmp - back.tsv && echo "through zstd: the mark is gone, the rest the same"
