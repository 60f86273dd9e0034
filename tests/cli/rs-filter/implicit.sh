# A timestamp but no rating (e.g. tags.csv): canonical TSV has no timestamp
# without a rating, so the rating is 1.
printf 'userId,movieId,tag,timestamp\n2,60756,funny,1445714994\n2,89774,Boxing story,1445715207\n' | rs-filter
