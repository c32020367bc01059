"""Custom Rasa NLU components. Only the Rasa side imports this package (it needs rasa)."""
