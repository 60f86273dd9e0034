printf 'item,user\nx,#1\n' | rs-filter
