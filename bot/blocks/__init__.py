"""Block Kit builders: pure functions returning dicts. No I/O, no database."""
