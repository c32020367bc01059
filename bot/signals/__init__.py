"""Anonymous signals for the housing companies' social-work coordinators.

Each tenant turn becomes one row: its topic (intent), language, channel, commune when
known, the handoff it opened and whether the bot understood, by ISO week. No sender id,
no text, no time finer than the week."""
