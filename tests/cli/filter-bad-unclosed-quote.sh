printf 'u,i,r\n1,"a,3\n' | rs-filter
