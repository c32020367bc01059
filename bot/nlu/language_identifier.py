"""Rasa component: identifies each message's language with lingua (bot.language_id) and
stores it on the message as `language` ({code, confidence, reliable, explicit}), in the
parse data the dialogue and the actions read."""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language_id import identify, warm_up
from bot.nlu.component import ConfiguredComponent

LANGUAGE = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LanguageIdentifier(ConfiguredComponent):
    """Sets `language` on every message that has text."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        warm_up()  # load lingua's models now, not on the first tenant message

    def _identify(self, message: Message) -> None:
        text = message.get(TEXT)
        if isinstance(text, str):
            message.set(LANGUAGE, identify(text).as_dict(), add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._identify(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._identify(message)
        return messages
