"""SQLAlchemy base, column types and session handling shared by every feature."""
