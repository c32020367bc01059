"""What a tenant attached to a Twilio message (MMS, WhatsApp): only its kind, from Twilio's
`MediaContentType<N>` parameters. The media itself is never fetched or stored."""

from __future__ import annotations

from collections.abc import Mapping

MAX_MEDIA = 10  # Twilio's own limit per message
KINDS = {"image": "photo", "audio": "audio", "video": "video"}


def media_kinds(params: Mapping[str, str]) -> tuple[str, ...]:
    """One kind per attached medium ("photo", "audio", "video" or "file"), in order."""
    try:
        count = min(int(params.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        return ()
    kinds = []
    for index in range(max(count, 0)):
        content_type = params.get(f"MediaContentType{index}", "")
        kinds.append(KINDS.get(content_type.split("/", 1)[0].lower(), "file"))
    return tuple(kinds)
