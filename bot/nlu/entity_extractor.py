"""Rasa component: adds the lexicon's entities (bot.lexicon.gazetteer) to each message:
commune (canonical id, also from a postcode), postcode, weekday, activity_category,
audience and target_language."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.lexicon.gazetteer import find_entities
from bot.nlu.component import ConfiguredComponent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LexiconEntityExtractor(ConfiguredComponent):
    """Deterministic extractor for the closed vocabularies of the lexicon."""

    def process(self, messages: list[Message]) -> list[Message]:
        name = self.__class__.__name__
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            found = [match.as_rasa_entity(name) for match in find_entities(text)]
            if found:
                message.set(ENTITIES, [*message.get(ENTITIES, []), *found], add_to_output=True)
        return messages
