"""Control plane: tenant registry, plans, metering, invoicing and feature flags."""
