"""Stage 1, loading: files on disk -> one corpus DataFrame and its load report."""
