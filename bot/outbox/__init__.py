"""The outbox: messages to tenants kept until the provider accepted them, sent with retries."""
