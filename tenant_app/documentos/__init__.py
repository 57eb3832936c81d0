"""Documentos: files linked to a consorciado, cota or grupo, versioned, in the tenant's bucket (issue 17)."""
