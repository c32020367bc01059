"""Custom Rasa NLU components. Only the Rasa side imports this package (it needs rasa).
Importing it also applies our measured fixes to stock Rasa (rasa_speedups), a fix to its
ticket lock after a replica crash (rasa_lock_fix), and keeps tenants' words out of Rasa's
structured logs (log_redaction)."""

from bot.nlu import log_redaction, rasa_lock_fix, rasa_speedups

rasa_speedups.apply()
rasa_lock_fix.apply()
log_redaction.apply()
