"""Words of the trail kept as a code and its parameters, worded when read, in the
reader's language (issue 20): a row written while a French coordinator imported a file
reads in Dutch for a Dutch colleague.

An app registers the messages of the rows it writes (``register``), once, when it is
loaded; it writes a row's label (``record_event(label_message=…)``) or a change's value
with ``message(code, **params)``. Rows written before the codes have their words as they
were written, and are shown so; so is a code nobody registers any more.
"""

from django.utils.functional import Promise

LABELS: dict[str, object] = {}


def register(code: str, text) -> None:
    """``text``: a lazy translation with ``%(name)s`` placeholders for the parameters, or a
    function of the parameters for words that need plurals (``ngettext``)."""
    LABELS[code] = text


def message(code: str, **params) -> dict:
    """The stored form of a message: its code and parameters (JSON)."""
    return {"message": code, "params": params}


def is_message(value) -> bool:
    return isinstance(value, dict) and value.keys() == {"message", "params"}


def worded(value, fallback=None):
    """``value`` in the active language when it is a registered message; otherwise
    ``fallback`` (the words written at the time) or ``value`` itself."""
    if is_message(value) and value["message"] in LABELS:
        entry = LABELS[value["message"]]
        if not isinstance(entry, Promise) and callable(entry):
            return entry(**value["params"])
        text = str(entry)
        return text % value["params"] if value["params"] else text
    if fallback is not None:
        return fallback
    return value
