# Forced dialects: --sep, --format, --header/--no-header.
printf '1|2|3\n4|5|1\n' | rs-filter --sep '|' --no-header
printf 'u\ti\n7\t8\n' | rs-filter --format tsv --header
printf 'x,y,z\n' | rs-filter --format csv --no-header --columns 3,1
printf 'a::b\n' | rs-filter --sep '::'
printf 'a b 4\n' | rs-filter --sep ' '
