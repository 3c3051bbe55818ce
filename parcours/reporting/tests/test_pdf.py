import datetime

import pytest
from django.utils import translation

from parcours.programme.factories import EnrolmentFactory, GroupFactory
from parcours.reporting.figures import DEFINITIONS_VERSION, yearly_report
from parcours.reporting.pdf import format_cell, report_pdf
from parcours.testing import pdf_text
from parcours.workshops.factories import SessionFactory

pytest.importorskip("weasyprint")


def _text(pdf: bytes) -> str:
    # Spaces as the page shows them: no-break spaces and line breaks count as spaces.
    return " ".join(pdf_text(pdf).replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def report(organisation):
    group = GroupFactory(organisation=organisation, name="Groupe Lumière")
    for gender in ("F", "F", "M"):
        EnrolmentFactory(group=group, participant__gender=gender)
    SessionFactory(organisation=organisation, groups=[group])  # three hours
    return yearly_report(organisation, year=2026, as_of=datetime.date(2026, 12, 31))


def test_cells_are_printed_in_the_language_format():
    with translation.override("fr"):
        assert format_cell(41.7, "pct") == "41,7\u00a0%"
        assert format_cell(None, "pct") == "\u2013"
        assert format_cell(1180.5, "hours") == "1\u202f180,50"
        assert format_cell(39.4, "number") == "39,4"
        assert format_cell(12, "number") == "12"
    with translation.override("en"):
        assert format_cell(1180.5, "hours") == "1,180.50"


def test_the_pdf_shows_the_figures_of_the_report(report):
    figures = report.figures
    assert figures["participants"] == 3
    assert figures["characteristics"]["women_pct"] == 66.7
    with translation.override("fr"):
        text = _text(report_pdf(report))
    assert "CPAS de Test" in text
    assert "2026" in text
    assert "66,7 %" in text  # women
    assert "33,3 %" in text  # men
    assert "3,00" in text  # workshop hours
    assert "Heures d\u2019ateliers" in text or "Heures d'ateliers" in text
    assert DEFINITIONS_VERSION in text  # the definitions' version in the footer
    assert "1 / " in text  # page numbers


def test_the_pdf_follows_the_active_language(report):
    with translation.override("en"):
        english = _text(report_pdf(report))
    with translation.override("fr"):
        french = _text(report_pdf(report))
    assert "Workshop hours" in english
    assert "66.7 %" in english
    # (Some labels await their French translation: test with one the catalogue has.)
    assert "Heures d" in french
    assert "Heures d" not in english
    assert "66,7 %" in french
