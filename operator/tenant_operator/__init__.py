"""Kopf operator that reconciles ConsorcioTenant resources."""
