"""The order in which a French (or Dutch) reader expects names: case and accents do not
count ("atelier" before "Écriture" before "espace"); they only break ties."""

import unicodedata

# Ligatures NFKD leaves whole: a reader files "Œuvre" under "oe".
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def name_key(text: str) -> tuple[str, str]:
    """The sort key of ``text``: without case or accents first, as written after."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare, text or ""


def sorted_by_name(records, *, name=str) -> list:
    """``records`` in that order of their ``name(record)`` (their text by default)."""
    return sorted(records, key=lambda record: name_key(name(record)))
