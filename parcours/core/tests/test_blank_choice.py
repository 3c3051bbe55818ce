"""The empty choice of a menu reads in the reader's language (issue 20): Django's own
label had no Dutch translation, so Dutch menus said "- Choisir une option -"."""

import pytest
from django.utils import translation

from parcours.participants.models import Participant


def _menu(language: str) -> str:
    field = Participant._meta.get_field("qualification_level").formfield()
    with translation.override(language):
        return field.widget.render("qualification_level", "")


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("fr", "- Choisir une option -"),
        ("nl", "- Kies een optie -"),
        ("en", "- Select an option -"),
    ],
)
def test_the_empty_choice_is_in_the_language_of_the_page(language, label):
    menu = _menu(language)
    assert f'<option value="" selected>{label}</option>' in menu


def test_the_label_is_translated_when_drawn_not_when_the_form_is_made():
    field = Participant._meta.get_field("qualification_level").formfield()
    with translation.override("nl"):
        dutch = field.widget.render("qualification_level", "")
    with translation.override("fr"):
        french = field.widget.render("qualification_level", "")
    assert "Kies een optie" in dutch
    assert "Choisir une option" in french
    assert "Choisir" not in dutch
