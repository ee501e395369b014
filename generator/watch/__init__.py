"""Watch feeds (veille): fetch, clean, cache and show curated RSS/Atom feeds."""
