"""Development and test tools: loopback servers that stand in for Twilio's and Telegram's
APIs, and the terminal tenant simulator (`make chat`). Never used in production."""
