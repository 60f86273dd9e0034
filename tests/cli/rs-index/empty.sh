# Empty input, a comment-only input: errors, and -o leaves nothing behind.
mkdir w && cd w
if rs-index -o out.bin < /dev/null 2> err1; then exit 3; fi
if printf '# only a comment\n' | rs-index -o out.bin 2> err2; then exit 4; fi
ls
cat err1 err2 >&2
rs-index --decode < /dev/null
