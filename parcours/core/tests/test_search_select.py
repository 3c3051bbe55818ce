"""The search-as-you-type field: it validates like the menu it replaces, shows the chosen
record by name, and its endpoint answers a bounded number of matches."""

import pytest
from django import forms
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation

from parcours.core.widgets import (
    SEARCH_LIMIT,
    SearchChoiceField,
    SearchMultipleChoiceField,
    search_results,
)
from parcours.programme.factories import GroupFactory
from parcours.programme.models import Group


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


class GroupPick(forms.Form):
    group = SearchChoiceField(
        label="Group", queryset=Group.objects.none(), url_name="programme:group_search"
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Group.objects.filter(organisation=organisation)


def test_a_group_of_the_queryset_is_accepted(organisation):
    group = GroupFactory(organisation=organisation)

    form = GroupPick({"group": str(group.pk)}, organisation=organisation)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["group"] == group


@pytest.mark.parametrize("value", ["other organisation", "999999", "abc", str(2**64)])
def test_a_value_outside_the_queryset_is_refused_with_a_clear_message(
    organisation, other_organisation, value
):
    elsewhere = GroupFactory(organisation=other_organisation)
    value = str(elsewhere.pk) if value == "other organisation" else value

    form = GroupPick({"group": value}, organisation=organisation)

    assert not form.is_valid()
    assert form.errors["group"] == [
        "This choice is not one you may pick here: search again and pick one of the results."
    ]


def test_the_refusal_is_translated(organisation, other_organisation):
    elsewhere = GroupFactory(organisation=other_organisation)
    with translation.override("fr"):
        form = GroupPick({"group": str(elsewhere.pk)}, organisation=organisation)
        assert "recherchez" in str(form.errors["group"]).lower()


def test_the_chosen_record_is_shown_by_name_and_no_menu_is_rendered(organisation):
    chosen = GroupFactory(organisation=organisation, name="Atelier FLE")
    GroupFactory.create_batch(3, organisation=organisation)

    html = str(GroupPick(initial={"group": chosen}, organisation=organisation)["group"])

    assert f'type="hidden" name="group" value="{chosen.pk}"' in html
    assert 'value="Atelier FLE"' in html
    assert 'role="combobox"' in html
    assert 'aria-controls="id_group-results"' in html
    assert "<option" not in html
    assert "/programme/groups/search/" in html


def test_a_refused_value_shows_no_name(organisation, other_organisation):
    elsewhere = GroupFactory(organisation=other_organisation, name="Ailleurs")

    form = GroupPick({"group": str(elsewhere.pk)}, organisation=organisation)
    form.is_valid()

    assert "Ailleurs" not in str(form["group"])


def test_a_validated_choice_is_named_without_another_query(organisation, django_assert_num_queries):
    group = GroupFactory(organisation=organisation, name="Atelier FLE")
    form = GroupPick({"group": str(group.pk)}, organisation=organisation)
    form.is_valid()

    with django_assert_num_queries(0):
        html = str(form["group"])

    assert 'value="Atelier FLE"' in html


def test_extra_narrowing_goes_to_the_endpoint(organisation):
    form = GroupPick(organisation=organisation)
    form.fields["group"].widget.params = {"organisation": organisation.pk}

    assert f"/programme/groups/search/?organisation={organisation.pk}" in str(form["group"])


def test_the_answer_is_bounded_and_says_there_are_more(organisation, django_assert_num_queries):
    GroupFactory.create_batch(SEARCH_LIMIT + 5, organisation=organisation)
    request = RequestFactory().get("/", {"for": "id_group"})

    with django_assert_num_queries(1):
        response = search_results(request, Group.objects.order_by("name"))

    html = response.content.decode()
    assert html.count('role="option" id="id_group-option-') == SEARCH_LIMIT
    assert 'id="id_group-status" hx-swap-oob="innerHTML"' in html
    assert f"The first {SEARCH_LIMIT} matches" in html


def test_a_field_id_that_is_not_an_id_is_not_reflected(organisation):
    GroupFactory(organisation=organisation)
    request = RequestFactory().get("/", {"for": '"><script>'})

    html = search_results(request, Group.objects.all()).content.decode()

    assert "<script>" not in html
    assert 'id="search-option-' in html


class GroupsPick(forms.Form):
    groups = SearchMultipleChoiceField(
        label="Groups", queryset=Group.objects.none(), url_name="programme:group_search"
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.filter(organisation=organisation)


def test_several_records_are_accepted_and_shown_as_ticked_boxes(
    organisation, django_assert_num_queries
):
    first, second = GroupFactory.create_batch(2, organisation=organisation)
    GroupFactory(organisation=organisation, name="Not chosen")
    data = QueryDict(mutable=True)
    data.setlist("groups", [str(first.pk), str(second.pk)])
    form = GroupsPick(data, organisation=organisation)

    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["groups"]) == {first, second}
    with django_assert_num_queries(0):
        html = str(form["groups"])
    assert html.count('type="checkbox" name="groups"') == 2
    assert "Not chosen" not in html
    assert "<option" not in html


def test_one_record_of_another_organisation_refuses_the_lot(organisation, other_organisation):
    mine = GroupFactory(organisation=organisation)
    elsewhere = GroupFactory(organisation=other_organisation, name="Ailleurs")
    data = QueryDict(mutable=True)
    data.setlist("groups", [str(mine.pk), str(elsewhere.pk)])

    form = GroupsPick(data, organisation=organisation)

    assert not form.is_valid()
    assert form.errors["groups"] == [
        "This choice is not one you may pick here: search again and pick one of the results."
    ]
    assert "Ailleurs" not in str(form["groups"])


def test_the_chosen_records_are_shown_when_editing(organisation):
    chosen = GroupFactory(organisation=organisation, name="Atelier FLE")

    html = str(GroupsPick(initial={"groups": [chosen]}, organisation=organisation)["groups"])

    assert f'name="groups" value="{chosen.pk}" checked' in html
    assert "Atelier FLE" in html
