"""Twilio's refusals that say why a message cannot reach the tenant, by error code, so that
the outbox stops retrying them and the console can say why in plain words
(bot/console/i18n.py, `refusal_<reason>`). Twilio reports them either when the message is
created (a REST error) or later in the status callback (`ErrorCode`)."""

from __future__ import annotations

import re

# Error code -> reason. WhatsApp's codes: Twilio's "error code mapping" page
# (twilio.com/docs/whatsapp/api/error-code-mapping) and each code's own page.
REFUSALS: dict[int, str] = {
    63016: "window",  # free-form outside the 24-hour window: a template is needed
    63003: "not_on_whatsapp",  # the channel could not find the To address
    63024: "not_on_whatsapp",  # invalid message recipient
    63032: "whatsapp_limited",  # WhatsApp will not deliver to this user
    63049: "whatsapp_limited",  # Meta chose not to deliver the message
    63013: "content_refused",  # the channel's policy (an empty template variable, ...)
    63021: "content_refused",  # content the channel rejects (too long for a template, ...)
    21610: "opted_out",  # the number sent STOP to Twilio
    21211: "bad_number",  # not a valid phone number
    21614: "bad_number",  # not a mobile number (SMS)
}
CODE = re.compile(r"code (\d+)")


def refusal_of(code: int | None) -> str | None:
    return REFUSALS.get(code) if code is not None else None


def refusal_error(code: int) -> str:
    """The row's `last_error` for a refusal: the code and, when known, its reason."""
    reason = refusal_of(code)
    return f"Twilio code {code}" + (f": {reason}" if reason else "")


NO_TEMPLATE = "no_template"  # the sender's error when a needed template is not configured


def reason_of_error(last_error: str | None) -> str | None:
    """The reason a row's `last_error` names (None: no known refusal)."""
    if (last_error or "").startswith(NO_TEMPLATE):
        return NO_TEMPLATE
    found = CODE.search(last_error or "")
    return refusal_of(int(found.group(1))) if found else None
