"""The core every other package builds on and that imports nothing above it: settings,
the database, the services container, the Rasa client, logging, metrics, request
dependencies."""
