# ml-1m ratings.dat: '::' separated, here with CRLF line ends and a blank line.
printf '1::1193::5::978300760\r\n1::661::3::978302109\r\n\r\n2::1357::5::978298709\r\n' > ratings.dat
rs-filter ratings.dat
