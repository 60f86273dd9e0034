rs-eval --bogus < /dev/null
