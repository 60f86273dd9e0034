# The line number counts the line break inside the quoted title.
printf 'userId,movieId,title,rating\n1,2,"Two\nlines",4\n1,3,x,abc\n' | rs-filter
