"""Funders, grants and the funders' reports through the API: the same figures as the
grant pages, the report pack and the PAS justification's download, from the same code."""

import datetime
import io
import json
import zipfile

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from parcours.audit.models import AuditAction, AuditEvent, AuditPurpose
from parcours.core.exports import local_number
from parcours.programme.factories import EnrolmentFactory
from parcours.reporting.esf import SPECIAL_CATEGORY_CODES
from parcours.reporting.grant_pack import grant_pack
from parcours.testing import report_csv_values

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 6, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    """The charged hours and the reports count what has happened by today."""
    with time_machine.travel(TODAY, tick=False):
        yield


def test_the_grants_carry_the_hours_of_the_grant_pages(client, viewer, bearer, funding):
    headers = bearer(viewer)
    items = client.get("/api/v1/grants", headers=headers).json()["items"]
    grant = next(item for item in items if item["id"] == funding.grant.pk)
    # The session of 3 March, 13:30 to 16:30, its group charged 50 % to the grant.
    assert grant == {
        "id": funding.grant.pk,
        "name": "FSE 2026 test",
        "funder_id": funding.funder.pk,
        "funder_name": "FSE test",
        "funder_kind": "esf",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "amount": "10000.00",
        "charged_hours": 1.5,
        "version": funding.grant.version,
    }
    detail = client.get(f"/api/v1/grants/{funding.grant.pk}", headers=headers).json()
    assert detail == {
        **grant,
        "months": [{"month": "2026-03-01", "sessions": 1, "hours": 3.0, "charged_hours": 1.5}],
    }
    client.force_login(viewer)
    page = client.get(reverse("funding:grant_detail", args=[funding.grant.pk])).content.decode()
    assert "1,50" in page  # the page's own total of charged hours


def test_funders_and_grants_are_filtered(client, coordinator, bearer, funding):
    headers = bearer(coordinator)
    pas = client.get("/api/v1/funders?kind=pas", headers=headers).json()["items"]
    assert [funder["id"] for funder in pas] == [funding.pas_funder.pk]
    of_funder = client.get(f"/api/v1/grants?funder={funding.funder.pk}", headers=headers).json()
    assert [grant["id"] for grant in of_funder["items"]] == [funding.grant.pk]
    later = client.get("/api/v1/grants?date_from=2027-01-01", headers=headers).json()
    assert later == {"items": [], "next_cursor": None}
    during = client.get("/api/v1/grants?date_from=2026-05-01&date_to=2026-05-31", headers=headers)
    assert {grant["id"] for grant in during.json()["items"]} == {
        funding.grant.pk,
        funding.pas_grant.pk,
    }


def _cell_as_in_the_csv(value) -> str:
    if isinstance(value, dict):
        return "< 5" if value["masked"] == "small-count" else "masked"
    return "" if value is None else local_number(value)


def test_the_grant_report_has_the_packs_figures_with_the_same_cells_hidden(
    client, coordinator, bearer, programme, funding
):
    for _index in range(6):
        EnrolmentFactory(group=programme.group, participant__gender="M")
    response = client.get(
        f"/api/v1/grants/{funding.grant.pk}/report",
        headers={**bearer(coordinator), "Accept-Language": "en"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["first"], body["last"], body["as_of"]) == (
        "2026-01-01",
        "2026-06-30",
        "2026-06-30",
    )
    assert body["months"] == [
        {"month": "2026-03-01", "sessions": 1, "hours": 3.0, "charged_hours": 1.5}
    ]
    tables = {table["key"]: table for table in body["tables"]}
    characteristics = {row["key"]: row["cells"] for row in tables["characteristics"]["rows"]}
    assert characteristics["participants"]["count"] == 7  # 6 men and the woman
    assert characteristics["women"]["count"] == {"masked": "small-count"}
    assert characteristics["men"]["count"] == {"masked": "complement"}  # 7 - 1 would give it
    with translation.override("en"):
        archive = zipfile.ZipFile(io.BytesIO(grant_pack(funding.grant)))
    in_the_pack = report_csv_values(archive.read("rapport.csv"))
    from_the_api = {
        (table["key"], row["key"], column["key"]): _cell_as_in_the_csv(row["cells"][column["key"]])
        for table in body["tables"]
        for row in table["rows"]
        for column in table["columns"]
        if column["kind"] != "label" and column["key"] in row["cells"]
    }
    assert from_the_api == in_the_pack
    event = AuditEvent.objects.get(action=AuditAction.VIEW, record_type="funding.grant")
    assert (event.record_id, event.actor, event.purpose) == (
        str(funding.grant.pk),
        coordinator,
        AuditPurpose.DOWNLOAD,
    )


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2026-07-01", "Choose a date up to today."),
        ("2025-12-31", "Choose a date from the start of the grant on."),
    ],
)
def test_the_grant_report_is_as_of_a_day_of_the_grant_so_far(
    client, coordinator, bearer, funding, as_of, message
):
    response = client.get(
        f"/api/v1/grants/{funding.grant.pk}/report?as_of={as_of}",
        headers={**bearer(coordinator), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"location": "query.as_of", "message": message}]
    assert not AuditEvent.objects.filter(
        record_type="funding.grant", purpose=AuditPurpose.DOWNLOAD
    ).exists()


def test_the_pas_justification_is_its_json_download(client, social_worker, bearer, funding):
    response = client.get(
        f"/api/v1/grants/{funding.pas_grant.pk}/pas-justification",
        headers={**bearer(social_worker), "Accept-Language": "fr"},
    )
    assert response.status_code == 200
    client.force_login(social_worker)
    download = client.get(reverse("funding:pas_report", args=[funding.pas_grant.pk, "json"]))
    assert download.status_code == 200
    assert response.json() == json.loads(download.content)
    part_b = response.json()["parts"]["B"]
    assert (part_b["amount"], part_b["spent"], part_b["remaining"]) == (300.0, 20.0, 280.0)
    assert [line["group_id"] for line in part_b["lines"]] == [funding.expense.group_id]


def test_the_esf_indicators_are_those_of_the_funders_report(
    client, social_worker, viewer, bearer, funding
):
    url = f"/api/v1/grants/{funding.grant.pk}/esf-indicators"
    casework = client.get(url, headers=bearer(social_worker)).json()
    out = io.StringIO()
    call_command(
        "funder_report", "--organisation", "test", "--year", "2026", "--kind", "esf",
        "--grant", funding.grant.name, stdout=out,
    )  # fmt: skip
    assert casework["indicators"] == json.loads(out.getvalue())
    assert (casework["year"], casework["first"], casework["last"]) == (
        2026,
        "2026-01-01",
        "2026-06-30",
    )
    assert casework["indicators"]["EECO01"]["total"] == 1  # the group's participant
    figures = client.get(url, headers=bearer(viewer)).json()["indicators"]
    assert set(figures) == set(casework["indicators"]) - set(SPECIAL_CATEGORY_CODES)
    refused = client.get(f"{url}?year=2026&as_of=2025-12-31", headers=bearer(viewer))
    assert refused.status_code == 422
    assert [error["location"] for error in refused.json()["errors"]] == ["query.as_of"]
