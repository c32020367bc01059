"""`make bench`: NLU quality and speed of our pipeline against Rasa's default pipeline."""
