"""Prometheus metrics: counts per channel, handoffs, outbox depth, latency histograms, and
nothing that identifies a tenant."""

from __future__ import annotations

from tests.gateway.channel_fixtures import INTERNAL, TENANT


def metric(body: str, name: str) -> float:
    (line,) = [line for line in body.splitlines() if line.startswith(name + " ")]
    return float(line.rsplit(" ", 1)[1])


def test_metrics_count_messages_handoffs_and_the_outbox_without_identifying_anyone(channels):
    channels.sms("bonjour")
    channels.sms("choices please")
    channels.telegram_update("text")
    channels.telegram.wait_for(1, "sendMessage")
    sender = channels.rasa.messages()[0]["sender"]
    secret = channels.settings.internal_api_token.get_secret_value()
    opened = channels.client.post(
        f"{INTERNAL}/internal/handoffs",
        json={"sender_id": sender},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert opened.status_code == 201
    response = channels.client.get(f"{INTERNAL}/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    body = response.text
    assert metric(body, 'gateway_messages_in_total{channel="sms"}') == 2
    assert metric(body, 'gateway_messages_in_total{channel="telegram"}') == 1
    assert metric(body, 'gateway_messages_out_total{channel="sms",way="reply"}') == 2
    assert metric(body, 'gateway_messages_out_total{channel="telegram",way="outbox"}') == 1
    assert metric(body, 'gateway_handoffs_opened_total{urgent="false"}') == 1
    assert metric(body, "gateway_outbox_depth") == 0
    assert metric(body, "gateway_rasa_seconds_count") == 3
    assert metric(body, 'gateway_webhook_seconds_count{channel="sms"}') == 2
    for private in (TENANT, "bonjour", sender, "555000111"):
        assert private not in body
