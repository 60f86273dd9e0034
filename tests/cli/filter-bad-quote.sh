printf 'u,i,r\n1,"a"x,3\n' | rs-filter
