"""Rasa component: tokenizes with a blank spaCy pipeline of the message's language
(French or Dutch) and lookup lemmas from spacy-lookups-data. Pretrained models cannot be
downloaded here; the blank pipelines bring the language's tokenizer rules (elision in
"l'école", Dutch clitics) and the lemma tables bring "enfants" -> "enfant".

Lemmas are folded (lower case, no accents), so "école", "ecole" and "ECOLE" give the
featurizers one feature: tenants often type without accents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import spacy
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.language_id import SUPPORTED
from bot.lexicon.folding import fold
from bot.nlu.language_identifier import LANGUAGE

if TYPE_CHECKING:
    from spacy.pipeline import Lemmatizer

DEFAULT_LANGUAGE = "fr"


class BlankPipeline:
    """A blank spaCy pipeline's tokenizer and the language's lemma lookup table
    (spacy-lookups-data). Lemmas are looked up in lower case: the tables are
    case-sensitive and tenants' capitals are not meaningful ("LES ENFANTS")."""

    def __init__(self, language: str) -> None:
        self.nlp = spacy.blank(language)
        lemmatizer = cast("Lemmatizer", self.nlp.add_pipe("lemmatizer", config={"mode": "lookup"}))
        self.nlp.initialize()
        self._lemmas = lemmatizer.lookups.get_table("lemma_lookup")

    def tokens(self, text: str) -> list[Token]:
        tokens = []
        for token in self.nlp.make_doc(text):
            if token.is_space or token.is_punct:
                continue
            lemma = self._lemmas.get(token.lower_, token.lower_)
            if isinstance(lemma, list):  # some tables list several candidates
                lemma = lemma[0] if lemma else token.lower_
            tokens.append(Token(token.text, token.idx, lemma=fold(lemma) or token.lower_))
        return tokens


def message_language(message: Message) -> str:
    """The language to tokenize with: a clearly identified one, else the channel's hint
    (the conversation's language), else the best guess, else French."""
    guess = message.get(LANGUAGE) or {}
    hint = (message.get("metadata") or {}).get("language_hint")
    if guess.get("reliable") and guess.get("code") in SUPPORTED:
        return guess["code"]
    if hint in SUPPORTED:
        return hint
    return guess["code"] if guess.get("code") in SUPPORTED else DEFAULT_LANGUAGE


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BilingualSpacyTokenizer(Tokenizer):
    """Tokenizer that follows the language set by LanguageIdentifier."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._pipelines = {language: BlankPipeline(language) for language in SUPPORTED}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BilingualSpacyTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute) or ""
        tokens = self._pipelines[message_language(message)].tokens(text)
        if not tokens:
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)
