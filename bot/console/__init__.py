"""The caseworkers' console (/console): login, the handoff queue, conversations."""
