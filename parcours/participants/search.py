"""Text normalisation for searching people whatever the accents and the case."""

import unicodedata


def normalise(text: str) -> str:
    """Lower case, accents removed, punctuation as spaces: "Aïcha N'Diaye" → "aicha n diaye"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    cleaned = "".join(char if char.isalnum() else " " for char in bare.casefold())
    return " ".join(cleaned.split())
