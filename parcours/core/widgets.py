"""Search-as-you-type for a choice among records that grow with the data.

A ``<select>`` of every group or every person of an organisation grows with the data: at
10,000 groups the page carries 600 KB of options for one filter. ``SearchChoiceField``
keeps the rules of a ``ModelChoiceField`` (only the records of its queryset are valid,
checked on the server) and renders a text field that asks a search endpoint for at most
``SEARCH_LIMIT`` matches as the person types (htmx, ``static/js/search_select.js``).
Without JavaScript the selected record is kept and sent back as it was.

A domain exposes the endpoint with ``search_results`` over the same queryset the form
accepts, so the menu never offers what the server would refuse.
"""

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parcours.core.forms import IdChoiceField, IdMultipleChoiceField, _is_possible_id

# The matches a search returns: enough to pick from, small whatever the data.
SEARCH_LIMIT = 20
# The longest text searched; a name is at most 100 characters.
TERM_MAX = 100
# The id of the field that asks, reflected into the options' ids.
_FIELD_ID = re.compile(r"[A-Za-z][\w-]{0,99}")


class SearchSelect(forms.Widget):
    """A hidden input with the chosen record's id, and a combobox to search for it
    (the ARIA 1.2 combobox pattern: a text input controlling a listbox of options)."""

    template_name = "forms/widgets/search_select.html"

    def __init__(self, url_name: str, *, params: dict | None = None, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        # The record the field validated, if any: its name is shown without a query.
        self.chosen = None
        # Extra narrowing passed to the endpoint (e.g. an organisation in a federation).
        self.params = params or {}

    def search_url(self) -> str:
        url = reverse(self.url_name)
        return f"{url}?{urlencode(self.params)}" if self.params else url

    def selected_label(self, value) -> str:
        """The name of the chosen record, to show it when a record is edited; nothing
        when the value is not one of the choices (the field says so)."""
        choices = getattr(self, "choices", None)
        if choices is None or value in (None, "") or not _is_possible_id(value):
            return ""
        if self.chosen is not None and str(self.chosen.pk) == str(value):
            record = self.chosen
        else:
            record = choices.queryset.filter(pk=value).first()
        return "" if record is None else choices.field.label_from_instance(record)

    def format_value(self, value):
        return "" if value is None else str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            search_url=self.search_url(),
            text=self.selected_label(context["widget"]["value"]),
        )
        return context


class SearchChoiceField(IdChoiceField):
    """A ``ModelChoiceField`` picked by searching: the same server-side validation, no
    menu of every record. ``url_name`` is the endpoint answering with ``search_results``
    over the same records as ``queryset``."""

    default_error_messages = {
        "invalid_choice": _(
            "This choice is not one you may pick here: search again and pick one of the results."
        ),
    }

    def __init__(self, *, url_name: str, params: dict | None = None, **kwargs):
        kwargs.setdefault("empty_label", None)
        super().__init__(widget=SearchSelect(url_name, params=params), **kwargs)

    def to_python(self, value):
        record = super().to_python(value)
        self.widget.chosen = record
        return record


class SearchSelectMultiple(SearchSelect):
    """The chosen records as ticked checkboxes (untick one to drop it, with or without
    JavaScript), and a combobox that adds one more."""

    template_name = "forms/widgets/search_select_multiple.html"
    allow_multiple_selected = True

    def __init__(self, url_name: str, *, params: dict | None = None, attrs=None):
        super().__init__(url_name, params=params, attrs=attrs)
        self.chosen = []

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # unticking every box is an answer

    def use_required_attribute(self, initial):
        return False  # "one or more" cannot be said by one checkbox

    def format_value(self, value):
        if value is None:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(each) for each in values if each not in (None, "")]

    def chosen_records(self, values: list[str]) -> list[tuple[str, str]]:
        """The chosen records that are among the choices, as (id, name)."""
        choices = getattr(self, "choices", None)
        ids = [value for value in values if _is_possible_id(value)]
        if choices is None or not ids:
            return []
        known = {str(record.pk): record for record in self.chosen}
        if not set(ids) <= set(known):
            known = {str(record.pk): record for record in choices.queryset.filter(pk__in=ids)}
        return [
            (value, choices.field.label_from_instance(known[value]))
            for value in ids
            if value in known
        ]

    def get_context(self, name, value, attrs):
        context = super(SearchSelect, self).get_context(name, value, attrs)
        context["widget"].update(
            search_url=self.search_url(), chosen=self.chosen_records(context["widget"]["value"])
        )
        return context


class SearchMultipleChoiceField(IdMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` picked by searching, one record after another."""

    default_error_messages = {
        "invalid_choice": SearchChoiceField.default_error_messages["invalid_choice"],
        "invalid_pk_value": SearchChoiceField.default_error_messages["invalid_choice"],
    }

    def __init__(self, *, url_name: str, params: dict | None = None, **kwargs):
        super().__init__(widget=SearchSelectMultiple(url_name, params=params), **kwargs)

    def _check_values(self, value):
        records = super()._check_values(value)
        self.widget.chosen = list(records)
        return records


def search_term(request: HttpRequest) -> str:
    return request.GET.get("term", "").strip()[:TERM_MAX]


def search_results(
    request: HttpRequest, records: QuerySet[Any], *, label: Callable[[Any], str] = str
) -> HttpResponse:
    """The answer of a search endpoint: the first ``SEARCH_LIMIT`` of ``records`` (already
    narrowed to what the user may pick and to the text typed, in the order to show) as
    the options of the field that asked. One query."""
    found = list(records[: SEARCH_LIMIT + 1])
    field_id = request.GET.get("for", "")
    if not _FIELD_ID.fullmatch(field_id):
        field_id = "search"
    context = {
        "field_id": field_id,
        "options": [(record.pk, label(record)) for record in found[:SEARCH_LIMIT]],
        "more": len(found) > SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
    }
    return render(request, "forms/widgets/search_results.html", context)
