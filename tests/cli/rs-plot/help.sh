rs-plot --help | head -1
