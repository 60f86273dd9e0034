# Canonical TSV where a model is expected: say so and hint at rs-index.
printf 'u1\ti1\n' | rs-recommend
