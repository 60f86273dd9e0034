# --range LO,HI needs LO < HI.
rs-svd -a funk --range 5,0.5 < /dev/null
