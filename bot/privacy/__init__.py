"""Tenants' privacy: erasure on request and retention limits."""
