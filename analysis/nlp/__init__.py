"""Stage 2, annotation: spaCy and VADER once per text, cached; entity normalisation."""
