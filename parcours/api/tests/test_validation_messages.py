"""The messages of a 422's ``errors`` for parameters and bodies that do not fit the
schema: translated from pydantic's error types into the request's language."""

import pytest
from django.utils import translation

from parcours.api.errors import validation_message

# (request, where, the message in French, Dutch and English)
CASES = [
    (
        "/api/v1/groups?limit=100000",
        "query.limit",
        (
            "Saisissez une valeur de 200 au plus.",
            "Geef een waarde van hoogstens 200 op.",
            "Enter a value of at most 200.",
        ),
    ),
    (
        "/api/v1/groups?limit=0",
        "query.limit",
        (
            "Saisissez une valeur de 1 au moins.",
            "Geef een waarde van minstens 1 op.",
            "Enter a value of at least 1.",
        ),
    ),
    (
        "/api/v1/groups?limit=many",
        "query.limit",
        ("Saisissez un nombre entier.", "Geef een geheel getal op.", "Enter a whole number."),
    ),
    (
        "/api/v1/groups?date_from=2026-02-30",
        "query.date_from",
        (
            "Saisissez une date au format AAAA-MM-JJ.",
            "Geef een datum op in de vorm JJJJ-MM-DD.",
            "Enter a date written YYYY-MM-DD.",
        ),
    ),
    (
        # A number of seconds is no date, though pydantic alone would take it for one.
        "/api/v1/groups?date_from=0",
        "query.date_from",
        (
            "Saisissez une date au format AAAA-MM-JJ.",
            "Geef een datum op in de vorm JJJJ-MM-DD.",
            "Enter a date written YYYY-MM-DD.",
        ),
    ),
    (
        "/api/v1/groups?cursor=" + "x" * 201,
        "query.cursor",
        (
            "Saisissez au plus 200 caractères.",
            "Geef hoogstens 200 tekens op.",
            "Enter at most 200 characters.",
        ),
    ),
    (
        "/api/v1/reports/yearly",
        "query.year",
        ("Une valeur est requise.", "Een waarde is verplicht.", "A value is required."),
    ),
    (
        "/api/v1/funders?kind=bank",
        "query.kind",
        (
            "Choisissez parmi : 'own_funds', 'esf', 'smgv', 'pas', 'other'.",
            "Kies uit: 'own_funds', 'esf', 'smgv', 'pas', 'other'.",
            "Choose one of: 'own_funds', 'esf', 'smgv', 'pas', 'other'.",
        ),
    ),
]
LANGUAGES = ("fr", "nl", "en")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("url", "location", "messages"), CASES)
def test_an_invalid_parameter_is_said_in_the_requests_language(
    client, coordinator, bearer, url, location, messages, language
):
    response = client.get(url, headers={**bearer(coordinator), "Accept-Language": language})
    assert response.status_code == 422
    assert response["Content-Language"] == language
    body = response.json()
    assert body["type"] == "urn:parcours:problem:invalid-parameters"
    assert body["errors"] == [
        {"location": location, "message": messages[LANGUAGES.index(language)]}
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "messages"),
    [
        ("fr", ["Saisissez au plus 100 caractères.", "Saisissez une valeur de 99 au plus."]),
        ("nl", ["Geef hoogstens 100 tekens op.", "Geef een waarde van hoogstens 99 op."]),
        ("en", ["Enter at most 100 characters.", "Enter a value of at most 99."]),
    ],
)
def test_an_invalid_body_is_said_in_the_requests_language(
    client, coordinator, bearer, language, messages
):
    response = client.post(
        "/api/v1/groups",
        {
            "name": "x" * 101,
            "process_type": "remobilisation",
            "start_date": "2026-01-05",
            "capacity": 100,
        },
        content_type="application/json",
        headers={**bearer(coordinator, scope="write"), "Accept-Language": language},
    )
    assert response.status_code == 422
    assert [(e["location"], e["message"]) for e in response.json()["errors"]] == [
        ("body.name", messages[0]),
        ("body.capacity", messages[1]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("fr", "Le corps de la requête doit être du JSON valide."),
        ("nl", "De inhoud van het verzoek is geen geldige JSON."),
        ("en", "The body of the request is not valid JSON."),
    ],
)
def test_a_body_that_is_not_json_is_said_in_the_requests_language(
    client, coordinator, bearer, language, detail
):
    response = client.post(
        "/api/v1/groups",
        "{not json",
        content_type="application/json",
        headers={**bearer(coordinator, scope="write"), "Accept-Language": language},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == detail


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "too_long", "ctx": {"max_length": 1}}, "Give at most 1 item."),
        ({"type": "extra_forbidden"}, "This field is not expected."),
        ({"type": "bool_parsing"}, "Enter true or false."),
        ({"type": "something_new"}, "This value is not valid."),
    ],
)
def test_every_kind_of_error_has_a_message(error, message):
    with translation.override("en"):
        assert validation_message(error) == message
