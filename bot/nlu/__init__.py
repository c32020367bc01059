"""Custom Rasa NLU components. Only the Rasa side imports this package (it needs rasa).
Importing it also applies our one measured fix to stock Rasa (rasa_speedups)."""

from bot.nlu import rasa_speedups

rasa_speedups.apply()
