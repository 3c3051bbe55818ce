"""The French and Dutch catalogues are complete, compiled, and used by the screens."""

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TRANSLATED_LANGUAGES = ["fr", "nl"]

# A few words whose translation is fixed by the team (see the domain glossary).
KNOWN_TRANSLATIONS = {
    "fr": {
        "Dashboard": "Tableau de bord",
        "Sign in": "Se connecter",
        "Sign out": "Se déconnecter",
        "Social worker": "Assistant social",
        "Workshop leader": "Animateur",
        "Audit trail": "Journal d\u2019audit",
        "file reference": "numéro de dossier",
        "Housing": "Logement",
    },
    "nl": {
        "Dashboard": "Dashboard",
        "Sign in": "Aanmelden",
        "Sign out": "Afmelden",
        "Social worker": "Maatschappelijk werker",
        "Workshop leader": "Begeleider",
        "Audit trail": "Auditlogboek",
        "file reference": "dossiernummer",
        "Housing": "Huisvesting",
    },
}

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The key of the entry in a compiled catalogue."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted .po string: {text}")
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header included, obsolete entries left out)."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def close():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            close()
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            kind, index = target
            value = _unquote(line)
            if kind == "msgstr":
                entry.msgstrs[index] += value
            else:
                setattr(entry, kind, getattr(entry, kind) + value)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword == "msgid" and target is not None and target[0] == "msgstr":
                close()
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match.group(1)))
                entry.msgstrs[target[1]] = _unquote(rest)
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstrs[0] = _unquote(rest)
            else:
                assert keyword in ("msgid", "msgid_plural", "msgctxt"), line
                target = (keyword, None)
                setattr(entry, keyword, _unquote(rest))
    close()
    return entries


def _catalogue_dir(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES"


def _messages(language: str) -> list[Entry]:
    """The translatable entries of a language's .po file (the header left out)."""
    return [entry for entry in parse_po(_catalogue_dir(language) / "django.po") if entry.msgid]


def _compiled(language: str) -> gettext.GNUTranslations:
    with open(_catalogue_dir(language) / "django.mo", "rb") as compiled:
        return gettext.GNUTranslations(compiled)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = _messages(language)
    assert len(entries) > 100, "the catalogue looks truncated"

    untranslated = [e.msgid for e in entries if not all(e.msgstrs.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]

    assert not untranslated, f"{language}: untranslated messages: {untranslated}"
    assert not fuzzy, f"{language}: fuzzy messages: {fuzzy}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_header_names_the_language_and_its_plural_forms(language):
    header = next(e for e in parse_po(_catalogue_dir(language) / "django.po") if not e.msgid)
    assert "fuzzy" not in header.flags
    assert f"Language: {language}\n" in header.msgstrs[0]
    assert "Plural-Forms: nplurals=2;" in header.msgstrs[0]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_the_placeholders(language):
    wrong = []
    for entry in _messages(language):
        expected = set(PLACEHOLDER.findall(entry.msgid))
        expected |= set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for msgstr in entry.msgstrs.values():
            if set(PLACEHOLDER.findall(msgstr)) != expected:
                wrong.append(entry.msgid)
    assert not wrong, f"{language}: placeholders differ from the source in: {wrong}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_compiled_catalogue_is_up_to_date_with_the_po_file(language):
    assert (_catalogue_dir(language) / "django.mo").exists(), (
        f"{language}: run `manage.py compilemessages`"
    )
    catalogue = _compiled(language)._catalog

    missing_or_stale = []
    for entry in _messages(language):
        if entry.msgid_plural is None:
            if catalogue.get(entry.key) != entry.msgstrs[0]:
                missing_or_stale.append(entry.msgid)
        else:
            for index, msgstr in entry.msgstrs.items():
                if catalogue.get((entry.key, index)) != msgstr:
                    missing_or_stale.append(entry.msgid)

    assert not missing_or_stale, (
        f"{language}: django.mo is missing or out of date for {missing_or_stale}; "
        "run `manage.py compilemessages`"
    )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_known_words_are_translated_as_agreed(language):
    compiled = _compiled(language)
    for source, expected in KNOWN_TRANSLATIONS[language].items():
        assert compiled.gettext(source) == expected


def test_plural_forms_follow_each_language():
    # French uses the singular for 0 and 1, Dutch only for 1.
    assert _compiled("fr").ngettext("%(counter)s field", "%(counter)s fields", 0) == (
        "%(counter)s champ"
    )
    assert _compiled("nl").ngettext("%(counter)s field", "%(counter)s fields", 0) == (
        "%(counter)s velden"
    )


def test_the_last_coordinator_message_reads_well_in_french():
    message = "The organisation must keep at least one active coordinator."
    assert "au moins un" in _compiled("fr").gettext(message)


@pytest.mark.django_db
def test_the_sign_in_page_speaks_french_by_default(client):
    content = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="fr">' in content
    assert "Se connecter" in content


@pytest.mark.django_db
def test_the_sign_in_page_speaks_dutch_once_chosen(client):
    client.post(reverse("accounts:set_language"), {"language": "nl"})
    content = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="nl">' in content
    assert "Aanmelden" in content
    assert "Se connecter" not in content
