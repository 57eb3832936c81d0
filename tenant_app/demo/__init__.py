"""Demo data for ``make up`` and manual exploration."""
