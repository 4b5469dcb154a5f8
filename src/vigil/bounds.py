"""Limits every API input is held to, so no number a client sends reaches the database out
of its range (an id beyond a 64-bit integer overflows SQLite; beyond 2^31, a PostgreSQL
integer column) and no text carries a NUL byte (PostgreSQL refuses it in text)."""

# Primary keys are 64-bit on both databases (DEFAULT_AUTO_FIELD = BigAutoField), but the
# foreign keys of older tables are 32-bit integers: ids are held to the smaller range.
DB_ID_MAX = 2**31 - 1
# An offset past this is no page anyone reads; it is refused rather than sliced.
OFFSET_MAX = 1_000_000
# Counts of people (fatalities, injured): a documented plausibility ceiling. The deadliest
# single events in UCDP GED are in the tens of thousands; beyond this a value is a typo.
COUNT_MAX = 100_000
