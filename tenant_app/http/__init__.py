"""HTTP plumbing shared by every controller: problem+json errors, pagination, request context."""
