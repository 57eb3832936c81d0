"""Consorciados (members): people and companies, contacts, addresses, LGPD consent."""
