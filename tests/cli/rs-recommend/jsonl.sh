# jsonl: one object per user; ids with quotes and backslashes are escaped.
printf 'u"1\ti\\1\nu"1\ti2\nu2\ti2\nu3\ti3\nu3\ti2\n' | rs-index | rs-recommend -n 2 --format jsonl
