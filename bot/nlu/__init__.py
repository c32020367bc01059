"""Custom Rasa NLU components. Only the Rasa side imports this package (it needs rasa).
Importing it also applies our measured fixes to stock Rasa (rasa_speedups), a fix to its
ticket lock after a replica crash (rasa_lock_fix), one bot turn per provider message even
when the gateway sends it twice (idempotent_turns), and keeps tenants' words out of Rasa's
structured logs (log_redaction), and sends what a custom slot-mapping action says, which
Rasa 3.6 drops (slot_mapping_messages)."""

from bot.nlu import (
    idempotent_turns,
    log_redaction,
    rasa_lock_fix,
    rasa_speedups,
    slot_mapping_messages,
)

rasa_speedups.apply()
rasa_lock_fix.apply()
idempotent_turns.apply()
log_redaction.apply()
slot_mapping_messages.apply()
