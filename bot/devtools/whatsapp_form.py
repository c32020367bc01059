"""A WhatsApp text as Twilio posts it to /webhooks/whatsapp (its form fields), and its
signature: what `make chat CHANNEL=whatsapp`, the channel benchmark and the end-to-end
tests send, written once."""

from __future__ import annotations

from twilio.request_validator import RequestValidator

WEBHOOK = "/webhooks/whatsapp"


def whatsapp_form(
    sid: str, number: str, to: str, body: str, account_sid: str, profile_name: str = "Tenant"
) -> dict[str, str]:
    """The form of a WhatsApp text from `number` (E.164) to our sender `to`
    ("whatsapp:+32..."): the message id three times, as Twilio sends it."""
    return {
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": f"whatsapp:{number}",
        "To": to,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ProfileName": profile_name,
        "WaId": number.removeprefix("+"),
        "SmsStatus": "received",
        "MessageType": "text",
        "ApiVersion": "2010-04-01",
    }


def whatsapp_signature(auth_token: str, public_url: str, form: dict[str, str]) -> str:
    """X-Twilio-Signature of the form posted to the WhatsApp webhook at `public_url`."""
    return RequestValidator(auth_token).compute_signature(
        f"{public_url.rstrip('/')}{WEBHOOK}", form
    )
