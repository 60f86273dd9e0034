# Modes exclude each other; bad values are usage errors (exit 2).
rs-recommend --user a --similar b
