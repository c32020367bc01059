"""The gateway: the web app that owns the tenants' channels, the handoff console, the
activities directory and the signals, and talks to Rasa over HTTP. It never imports rasa
and runs in its own virtual environment (requirements/gateway.lock)."""
