"""Infrastructure shared by the two Litestar apps: database, migrations, problem+json."""
