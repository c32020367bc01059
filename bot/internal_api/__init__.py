"""The internal API the action server calls (bearer token, internal listener only)."""
