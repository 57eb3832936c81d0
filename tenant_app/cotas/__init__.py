"""Cotas: adesão, cessão, exclusão, readmissão."""
