"""Database plumbing shared by the two apps: URL, engine, session, base helpers."""
