"""The API's frame: its schema and documentation page, problem details, ETags and the
cursor pagination."""

import pytest

from parcours.programme.factories import GroupFactory

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def test_the_schema_is_openapi_3_1_and_lists_every_resource(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert schema["info"]["version"] == "v1"
    assert {
        "/api/v1/participants",
        "/api/v1/participants/{pk}",
        "/api/v1/groups",
        "/api/v1/groups/{pk}",
        "/api/v1/enrolments",
        "/api/v1/enrolments/{pk}",
        "/api/v1/enrolments/{pk}/exit",
        "/api/v1/workshops",
        "/api/v1/workshops/{pk}",
        "/api/v1/sessions",
        "/api/v1/sessions/{pk}",
        "/api/v1/sessions/{pk}/marks/{participant_pk}",
        "/api/v1/attendance-marks",
        "/api/v1/attendance-marks/{pk}",
        "/api/v1/reports/yearly",
    } <= set(schema["paths"])
    errors = schema["paths"]["/api/v1/groups"]["get"]["responses"]["404"]["content"]
    assert list(errors) == ["application/problem+json"]


def test_the_documentation_page_is_served_from_the_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert 'href="/static/ninja/swagger-ui.css"' in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize(
    ("language", "detail"),
    [
        ("fr", "Cette adresse ne mène à rien pour vous."),
        ("nl", "Op dit adres bestaat niets voor u."),
        ("en", "Nothing exists at this address for you."),
    ],
)
def test_errors_are_problem_details_in_the_requests_language(
    client, coordinator, bearer, language, detail
):
    response = client.get(
        "/api/v1/groups/999999",
        headers={**bearer(coordinator), "Accept-Language": language},
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response["Content-Language"] == language
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["type"] == "urn:parcours:problem:not-found"
    assert (body["status"], body["instance"], body["detail"]) == (
        404,
        "/api/v1/groups/999999",
        detail,
    )


def test_invalid_parameters_say_where_without_a_stack_trace(client, coordinator, bearer):
    response = client.get("/api/v1/groups?limit=100000", headers=bearer(coordinator))
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:parcours:problem:invalid-parameters"
    assert [error["location"] for error in body["errors"]] == ["query.limit"]
    assert "Traceback" not in response.content.decode()


def test_a_server_error_is_a_problem_without_a_trace(client, coordinator, bearer, monkeypatch):
    from parcours.api import resources

    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(resources, "visible_groups", broken)
    response = client.get("/api/v1/groups", headers=bearer(coordinator))
    assert response.status_code == 500
    assert response.json()["type"] == "urn:parcours:problem:server-error"
    assert b"secret internals" not in response.content


def test_a_method_not_allowed_is_a_problem(client, coordinator, bearer):
    response = client.delete("/api/v1/groups", headers=bearer(coordinator, scope="write"))
    assert response.status_code == 405
    assert response.json()["type"] == "urn:parcours:problem:method-not-allowed"
    assert "GET" in response["Allow"]


def test_a_read_answers_304_while_it_has_not_changed(client, coordinator, bearer, organisation):
    headers = bearer(coordinator)
    group = GroupFactory(organisation=organisation)
    first = client.get(f"/api/v1/groups/{group.pk}", headers=headers)
    etag = first["ETag"]
    again = client.get(f"/api/v1/groups/{group.pk}", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    group.capacity += 1
    group.save()
    changed = client.get(f"/api/v1/groups/{group.pk}", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_cursor_walks_through_every_page_once(client, coordinator, bearer, organisation):
    headers = bearer(coordinator)
    groups = GroupFactory.create_batch(7, organisation=organisation)
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/groups?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=headers).json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(group.pk for group in groups)


def test_a_cursor_not_given_by_the_api_is_refused(client, coordinator, bearer):
    for cursor in ("nonsense", "eyJhZnRlciI6IC0xfQ", "W10"):
        response = client.get(f"/api/v1/groups?cursor={cursor}", headers=bearer(coordinator))
        assert response.status_code == 400
        assert response.json()["type"] == "urn:parcours:problem:bad-cursor"
