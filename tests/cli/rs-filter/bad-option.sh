rs-filter --no-such-option
