# Bad option values are usage errors: exit 2 before any input is read.
set +e
for args in '--format xml' '--sep ab' '--dedup mean' '--min-rating x' '--min-rating 4 --max-rating 3' \
            '--min-user-items 5 --max-user-items 2' '--columns 1' '--columns 0,1' '--columns a,a' \
            '--core 0' '--limit -1' '--no-header --columns userId,movieId'; do
    rs-filter $args </dev/null 2>/dev/null
    echo "$? $args"
done
