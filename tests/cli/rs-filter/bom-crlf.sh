# A UTF-8 byte order mark, CRLF line ends, '#' comments and blank lines.
printf '\357\273\277userId,movieId\r\n1,2\r\n# a comment\r\n\r\n3,4\r\n' | rs-filter
