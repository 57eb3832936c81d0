"""Client of the control plane for the tenant app (usage reporting, feature flags)."""
