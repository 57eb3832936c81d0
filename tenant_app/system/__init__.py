"""Process-level endpoints: health, readiness; Redis keys and rate limits."""
