"""Tenant assistant: the gateway, the shared lexicon and the custom Rasa NLU components."""
