"""Development defaults shared by the gateway and the action server (no dependencies, so
both environments import it). The production profile refuses them."""

DEV_GATEWAY_SECRET = "dev-gateway-secret-change-me"
# `make chat` signs its Twilio webhooks with this token when none is configured.
DEV_TWILIO_AUTH_TOKEN = "dev-twilio-auth-token"
DEV_TELEGRAM_BOT_TOKEN = "123456:dev-telegram-token"
DEV_TELEGRAM_SECRET_TOKEN = "dev-telegram-secret"
# Where `make chat` listens as Twilio's and Telegram's APIs when no credentials are set.
DEV_TWILIO_API_URL = "http://127.0.0.1:8025"
DEV_TELEGRAM_API_URL = "http://127.0.0.1:8026/bot"
DEV_CONSOLE_SECRET = "dev-console-secret-change-me"
