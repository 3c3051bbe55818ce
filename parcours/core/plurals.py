"""Counts in the English of the command line and the logs: "1 file", "3 files", never
"3 file(s)". What a person reads on a page is translated with ``ngettext`` instead."""


def plural(count: int, singular: str, plural: str) -> str:
    """``count`` and the word that agrees with it: ``plural(1, "file", "files")`` is
    "1 file", ``plural(0, "file", "files")`` "0 files"."""
    return f"{count} {singular if count == 1 else plural}"
