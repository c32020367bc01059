"""The tenants' channels, owned by the gateway: SMS (Twilio) and Telegram."""
