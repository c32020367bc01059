"""Handoff to caseworkers: the queue, office hours, the internal API the action server
calls, and what tenants' messages do while a person owns the conversation."""
