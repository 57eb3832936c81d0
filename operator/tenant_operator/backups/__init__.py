"""Scheduled per-tenant backups (issue 21 item 5): when one is due, what to keep."""
