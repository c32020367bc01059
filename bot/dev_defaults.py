"""Development defaults shared by the gateway and the action server (no dependencies, so
both environments import it). The production profile refuses them."""

# The key of the pseudonymous sender ids: the gateway's alone (never the action server's).
DEV_PSEUDONYM_KEY = "dev-pseudonym-key-change-me"
# The action server's bearer token on the gateway's internal API (/internal/*).
DEV_INTERNAL_API_TOKEN = "dev-internal-api-token-change-me"
# Rasa's HTTP API token (`rasa run --auth-token`), and the token Rasa sends the action
# server (endpoints.yml's action_endpoint); see the Procfile.
DEV_RASA_TOKEN = "dev-rasa-token-change-me"
DEV_ACTION_SERVER_TOKEN = "dev-action-server-token-change-me"
# `make chat` signs its Twilio webhooks with this token when none is configured.
DEV_TWILIO_AUTH_TOKEN = "dev-twilio-auth-token"
DEV_TELEGRAM_BOT_TOKEN = "123456:dev-telegram-token"
DEV_TELEGRAM_SECRET_TOKEN = "dev-telegram-secret"
# Where `make chat` listens as Twilio's and Telegram's APIs when no credentials are set.
DEV_TWILIO_API_URL = "http://127.0.0.1:8025"
DEV_TELEGRAM_API_URL = "http://127.0.0.1:8026/bot"
DEV_CONSOLE_SECRET = "dev-console-secret-change-me"
