# A reader that leaves early (| head) gets silence: no error message.
awk 'BEGIN { for (k = 0; k < 200000; k++) printf "%d,%d,%d\n", k % 997, k, k % 5 + 1 }' > big.csv
rs-filter big.csv | head -n 2
