"""Instant drift repair: what the operator expects of each object it owns, the
queue of tenants to repair, and the fleet's state for the SRE (gauges)."""
