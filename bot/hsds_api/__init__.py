"""The directory's read-only HSDS 3.0 API."""
