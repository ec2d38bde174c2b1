"""Stage 3, analyses: tidy DataFrames of terms, keyness, entities, networks, sentiment."""
