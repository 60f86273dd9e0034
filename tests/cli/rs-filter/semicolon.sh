# Semicolon CSV (a European spreadsheet export), a quoted id holding the separator.
printf 'user;item;score\n"a;b";x;4\nc;y;5\n' | rs-filter
