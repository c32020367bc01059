"""Tenants' privacy: erasure on request (and, later, retention)."""
