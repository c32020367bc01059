"""Development defaults shared by the gateway and the action server (no dependencies, so
both environments import it). The production profile refuses them."""

DEV_GATEWAY_SECRET = "dev-gateway-secret-change-me"
