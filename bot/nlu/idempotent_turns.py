"""One bot turn per provider message, even when the gateway sends a message twice.

The gateway puts the provider's message id (Twilio's MessageSid, Telegram's update_id) in
the metadata of each message it sends to Rasa. A gateway worker can die after Rasa ran the
turn and before the tenant got the answer; the provider then sends the message again and
another worker sends it to Rasa again. Here, under the conversation's lock (so on every
replica at once), a message whose id the conversation already holds is not run again: Rasa
answers with the bot messages that followed it the first time.

It hooks `MessageProcessor.log_message`, which fetches the tracker anyway, so the check
costs no extra read of the tracker store."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

MESSAGE_ID = "message_id"  # the metadata key the gateway sets
STOCK_LOG_MESSAGE = MessageProcessor.log_message
STOCK_HANDLE_MESSAGE = MessageProcessor.handle_message
_REPLY_KEYS = ("buttons", "image", "attachment", "custom", "elements", "quick_replies")


class AlreadyHandled(Exception):
    """The conversation already holds this message: `replies` are its first answer."""

    def __init__(self, replies: list[dict[str, Any]]) -> None:
        super().__init__("message already handled")
        self.replies = replies


def provider_id(message: UserMessage) -> str | None:
    value = (message.metadata or {}).get(MESSAGE_ID)
    return str(value) if value else None


def first_answer(tracker: DialogueStateTracker, message_id: str) -> list[dict[str, Any]] | None:
    """The bot messages that followed the user message with this id, or None if the
    conversation does not hold it."""
    answer: list[dict[str, Any]] | None = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if answer is not None:
                break  # the next user message: the first answer is complete
            if (event.metadata or {}).get(MESSAGE_ID) == message_id:
                answer = []
        elif answer is not None and isinstance(event, BotUttered):
            reply: dict[str, Any] = {"recipient_id": tracker.sender_id}
            if event.text:
                reply["text"] = event.text
            reply.update({key: event.data[key] for key in _REPLY_KEYS if event.data.get(key)})
            answer.append(reply)
    return answer


async def log_message(
    self: MessageProcessor, message: UserMessage, should_save_tracker: bool = True
) -> DialogueStateTracker:
    message_id = provider_id(message)
    if message_id is None:
        return await STOCK_LOG_MESSAGE(self, message, should_save_tracker)
    # What the stock method does, with the check between fetching and logging.
    tracker = await self.fetch_tracker_and_update_session(
        message.sender_id, message.output_channel, message.metadata
    )
    replies = first_answer(tracker, message_id)
    if replies is not None:
        raise AlreadyHandled(replies)
    await self._handle_message_with_tracker(message, tracker)
    if should_save_tracker:
        await self.save_tracker(tracker)
    return tracker


async def handle_message(
    self: MessageProcessor, message: UserMessage
) -> list[dict[str, Any]] | None:
    try:
        return await STOCK_HANDLE_MESSAGE(self, message)
    except AlreadyHandled as handled:
        if isinstance(message.output_channel, CollectingOutputChannel):
            message.output_channel.messages.extend(handled.replies)
            return message.output_channel.messages
        return None


def apply() -> None:
    MessageProcessor.log_message = log_message
    MessageProcessor.handle_message = handle_message
