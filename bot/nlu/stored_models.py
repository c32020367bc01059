"""What our trained scikit-learn components share: their text features, and how their
models are stored (skops instead of pickle: a model file cannot run code, and a file that
holds any type outside the component's list refuses to load)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

# Types every stored pipeline of TF-IDF features holds besides plain containers.
FEATURE_TYPES = [
    "builtins.function",
    "numpy.float64",
    "numpy.int64",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
]


class ModelNotLoadable(RuntimeError):
    """The stored model holds types we do not trust."""


def word_and_char_features(config: dict[str, Any]) -> FeatureUnion:
    """Word n-grams and character n-grams (within words), each TF-IDF weighted and
    normalised on its own, so that the many character n-grams do not swamp the words."""
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=tuple(config["word_ngrams"]), sublinear_tf=True)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=tuple(config["char_ngrams"]),
                    min_df=config["char_min_df"],
                    sublinear_tf=True,
                ),
            ),
        ]
    )


def load_trusted(path: Path, trusted: list[str]) -> Any:
    """The model stored at `path`, if it holds only `trusted` types."""
    untrusted = set(sio.get_untrusted_types(file=path)) - set(trusted)
    if untrusted:
        raise ModelNotLoadable(f"untrusted types in {path}: {sorted(untrusted)}")
    return sio.load(path, trusted=trusted)
