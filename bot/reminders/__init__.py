"""Activity reminders: after a search, a tenant can ask to be reminded of an activity the
day before its next session (one message, in their language, with how to stop)."""
