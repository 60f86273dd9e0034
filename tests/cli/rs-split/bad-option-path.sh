# Run by a path, a program still names itself by its short name in getopt's
# complaints, as in every other message, and adds the --help hint once.
"$(command -v rs-split)" --no-such-option -t t.tsv < /dev/null
