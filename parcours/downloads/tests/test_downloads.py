"""Files prepared in the background: asked for, followed, downloaded, refused to the
others, failed and retried, forgotten after their time."""

import datetime
import io
import zipfile

import pytest
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_tasks_db.models import DBTaskResult

from parcours.accounts.enums import Role
from parcours.accounts.factories import UserFactory
from parcours.audit.models import AuditAction, AuditEvent, AuditPurpose
from parcours.background.models import WorkerHeartbeat
from parcours.downloads import kinds, services
from parcours.downloads.enums import DownloadStatus
from parcours.downloads.models import STALLED_AFTER, Download
from parcours.reporting.closing import close_year
from parcours.reporting.grant_pack import grant_pack, pack_filename
from parcours.workbook.export import export_workbook
from parcours.workbook.tests.helpers import read_back

pytestmark = pytest.mark.django_db


def _prepare(client, kind, data, capture):
    with capture(execute=True):
        return client.post(reverse("downloads:prepare", args=[kind]), data)


def _same_content(first: bytes, second: bytes) -> bool:
    """The same file: byte for byte, or for a ZIP (a pack, an .xlsx) the same entries
    holding the same content (openpyxl stamps the entries it writes through temporary
    files with the real clock's second, so two builds differ in those stamps)."""
    if first[:2] == second[:2] == b"PK":
        one, other = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(second))
        return one.namelist() == other.namelist() and all(
            _same_content(one.read(name), other.read(name)) for name in one.namelist()
        )
    return first == second


def _views(record_type):
    return list(
        AuditEvent.objects.filter(action=AuditAction.VIEW, record_type=record_type)
        .order_by("pk")
        .values_list("actor_id", "purpose", "record_id")
    )


# Each kind, the role that asks for it, and what the button sends.
CASES = {
    "workbook": ("coordinator", lambda w: {"first": "2026-01-01", "last": "2026-12-31"}),
    "grant_pack": ("coordinator", lambda w: {"grant": w["grant"].pk}),
    "report_pdf": ("viewer", lambda w: {"year": "2026"}),
    "report_xlsx": ("workshop_leader", lambda w: {"year": "2026", "group": w["group"].pk}),
}


# The kinds whose direct address gives the same file at once (the grant's pack has none:
# its address offers to prepare it, test_funding).
DIRECT = ("workbook", "report_pdf", "report_xlsx")


def _direct(client, kind, world):
    if kind == "workbook":
        return client.get(reverse("workbook:export"), {"first": "2026-01-01", "last": "2026-12-31"})
    data = CASES[kind][1](world)
    return client.get(f"{reverse('reporting:' + kind)}?{urlencode(data)}")


@pytest.mark.parametrize("kind", DIRECT)
def test_each_kind_is_prepared_and_gives_the_direct_file(
    client, request, world, kind, django_capture_on_commit_callbacks
):
    role, data = CASES[kind]
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = _prepare(client, kind, data(world), django_capture_on_commit_callbacks)
    download = Download.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("downloads:detail", args=[download.pk])
    assert (download.status, download.progress, download.requested_by) == ("done", 100, user)
    assert download.task_id
    page = client.get(response["Location"]).content.decode()
    assert reverse("downloads:file", args=[download.pk]) in page
    assert "hx-trigger" not in page  # done: the page no longer polls

    prepared = client.get(reverse("downloads:file", args=[download.pk]))
    direct = _direct(client, kind, world)
    assert prepared.status_code == direct.status_code == 200
    assert prepared["Content-Type"] == direct["Content-Type"]
    assert prepared["Content-Disposition"].replace('"', "") == direct[
        "Content-Disposition"
    ].replace('"', "")
    assert _same_content(prepared.content, direct.content)
    # Traced in the audit trail as the direct download is: twice the same row.
    record_type = download.traced_type.model_class()._meta.label_lower
    views = _views(record_type)
    assert len(views) == 2
    assert views[0] == views[1]
    assert views[0][1] == (AuditPurpose.EXPORT if kind == "workbook" else AuditPurpose.DOWNLOAD)


def test_the_pack_is_prepared_as_its_builder_writes_it(
    client, coordinator, world, django_capture_on_commit_callbacks
):
    grant = world["grant"]
    client.force_login(coordinator)
    response = _prepare(
        client, "grant_pack", {"grant": grant.pk}, django_capture_on_commit_callbacks
    )
    download = Download.objects.get()
    assert response["Location"] == reverse("downloads:detail", args=[download.pk])
    assert (download.status, download.parameters) == (
        "done",
        {"grant": grant.pk, "as_of": timezone.localdate().isoformat()},
    )

    prepared = client.get(reverse("downloads:file", args=[download.pk]))

    assert prepared["Content-Type"] == "application/zip"
    assert pack_filename(grant, timezone.localdate()) in prepared["Content-Disposition"]
    assert _same_content(prepared.content, grant_pack(grant, as_of=timezone.localdate()))
    assert _views("funding.grant") == [(coordinator.pk, AuditPurpose.DOWNLOAD, str(grant.pk))]


def test_the_files_hold_what_was_asked(
    client, coordinator, world, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    _prepare(client, "workbook", {}, django_capture_on_commit_callbacks)
    _prepare(client, "grant_pack", {"grant": world["grant"].pk}, django_capture_on_commit_callbacks)
    workbook, pack = Download.objects.order_by("pk")
    sheets = read_back(client.get(reverse("downloads:file", args=[workbook.pk])).content)
    assert sheets["participants"][1][0] == "P-7"
    assert workbook.file_name == "parcours-test.xlsx"
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("downloads:file", args=[pack.pk])).content)
    )
    assert {"rapport.pdf", "heures.csv", "participants.csv", "feuilles-de-presence.pdf"} <= set(
        archive.namelist()
    )


@pytest.mark.parametrize("role", ["social_worker", "workshop_leader", "viewer"])
@pytest.mark.parametrize("kind", ["workbook", "grant_pack"])
def test_other_roles_may_not_ask(client, request, world, role, kind):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("downloads:prepare", args=[kind]), CASES[kind][1](world))
    assert response.status_code == 403
    assert not Download.objects.exists()


def test_another_organisation_may_not_ask(client, world, outsider):
    client.force_login(outsider)
    grant, group = world["grant"], world["group"]
    prepare = lambda kind: reverse("downloads:prepare", args=[kind])  # noqa: E731
    assert client.post(prepare("grant_pack"), {"grant": grant.pk}).status_code == 404
    assert (
        client.post(prepare("report_pdf"), {"year": "2026", "group": group.pk}).status_code == 404
    )
    assert (
        client.post(prepare("report_xlsx"), {"year": "2026", "grant": grant.pk}).status_code == 404
    )
    assert client.post(prepare("nonsense"), {}).status_code == 404
    assert client.get(prepare("workbook")).status_code == 405
    assert not Download.objects.exists()


def test_an_invalid_request_says_why(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(
        reverse("downloads:prepare", args=["workbook"]),
        {"first": "2026-12-31", "last": "2026-01-01"},
        follow=True,
    )
    assert "La fin de la période précède son début." in response.content.decode()
    assert not Download.objects.exists()


@pytest.mark.parametrize("kind", ["workbook", "grant_pack"])
def test_only_the_requester_downloads(
    client, coordinator, organisation, outsider, world, kind, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    _prepare(client, kind, CASES[kind][1](world), django_capture_on_commit_callbacks)
    download = Download.objects.get()
    colleague = UserFactory(organisation=organisation, coordinator=True, username="colleague")
    urls = [
        ("get", reverse("downloads:detail", args=[download.pk])),
        ("get", reverse("downloads:file", args=[download.pk])),
        ("post", reverse("downloads:retry", args=[download.pk])),
    ]
    for someone in (colleague, outsider):
        client.force_login(someone)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404
        assert download.file_name not in client.get(reverse("downloads:list")).content.decode()
    # The requester whose role changed may no longer have it either.
    coordinator.role = Role.VIEWER
    coordinator.save()
    client.force_login(coordinator)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_a_grant_gone_from_the_organisation_is_no_longer_downloaded(
    client, coordinator, world, other_organisation, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    _prepare(client, "grant_pack", {"grant": world["grant"].pk}, django_capture_on_commit_callbacks)
    download = Download.objects.get()
    # The rule is the direct view's: the grant's organisation is the user's.
    world["grant"].funder.organisation = other_organisation
    world["grant"].funder.save()
    type(world["grant"]).objects.filter(pk=world["grant"].pk).update(
        organisation=other_organisation
    )
    assert client.get(reverse("downloads:file", args=[download.pk])).status_code == 404


def test_a_failed_preparation_says_why_and_is_retried(
    client, coordinator, world, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full at /srv/secret/path")

    monkeypatch.setattr(kinds, "export_workbook", broken)
    client.force_login(coordinator)
    response = _prepare(client, "workbook", {}, django_capture_on_commit_callbacks)
    download = Download.objects.get()
    assert download.status == DownloadStatus.FAILED
    assert f"D{download.pk}" in download.failure
    assert "secret" not in download.failure
    assert "Traceback" not in download.failure
    page = client.get(response["Location"]).content.decode()
    assert "Le fichier n\u2019a pas pu être préparé." in page
    assert "Réessayer" in page
    assert client.get(reverse("downloads:file", args=[download.pk])).status_code == 302

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("downloads:retry", args=[download.pk]))
    assert response["Location"] == reverse("downloads:detail", args=[download.pk])
    download.refresh_from_db()
    assert (download.status, download.failure, download.attempts) == ("done", "", 2)
    assert download.parameters == {"first": "", "last": ""}
    content = client.get(reverse("downloads:file", args=[download.pk])).content
    assert read_back(content)["participants"][1][0] == "P-7"
    # A ready download is not prepared again.
    client.post(reverse("downloads:retry", args=[download.pk]))
    download.refresh_from_db()
    assert download.attempts == 2


def test_a_refused_builder_gives_its_own_reason(
    client, viewer, world, django_capture_on_commit_callbacks
):
    client.force_login(viewer)
    _prepare(client, "report_pdf", {"year": "2026"}, django_capture_on_commit_callbacks)
    download = Download.objects.get()
    # The group asked for left the organisation's choices before the file was written.
    Download.objects.filter(pk=download.pk).update(
        status=DownloadStatus.QUEUED,
        parameters={"year": "2026", "today": "2026-12-15", "group": "999999"},
    )
    # The task fails (its backend records it), and the download says why.
    with pytest.raises(Http404, match=r"^$"):
        services.run_download(download.pk)
    download.refresh_from_db()
    assert download.status == DownloadStatus.FAILED
    assert download.failure.startswith("Vous ne pouvez plus obtenir ce fichier")


def test_a_stalled_preparation_is_failed(client, coordinator, organisation, frozen):
    download = Download.objects.create(
        organisation=organisation,
        requested_by=coordinator,
        kind="workbook",
        language="fr",
        status=DownloadStatus.RUNNING,
    )
    frozen.shift(STALLED_AFTER + datetime.timedelta(minutes=1))
    client.force_login(coordinator)
    page = client.get(reverse("downloads:detail", args=[download.pk])).content.decode()
    download.refresh_from_db()
    assert download.status == DownloadStatus.FAILED
    assert "Réessayer" in page


def test_the_page_polls_while_preparing(client, coordinator, organisation, frozen):
    download = Download.objects.create(
        organisation=organisation,
        requested_by=coordinator,
        kind="workbook",
        language="fr",
        progress=40,
        stage="Écriture de la feuille sessions",
    )
    client.force_login(coordinator)
    partial = client.get(
        reverse("downloads:detail", args=[download.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert 'value="40"' in partial
    assert "Écriture de la feuille sessions" in partial
    assert "<html" not in partial


def test_the_builders_tell_their_progress_without_changing_the_file(world, organisation):
    grant, steps = world["grant"], []
    with_progress = grant_pack(grant, progress=lambda percent, stage: steps.append(percent))
    assert _same_content(with_progress, grant_pack(grant))
    assert steps == sorted(steps)
    assert steps[0] == 0
    assert steps[-1] == 95
    assert len(steps) > 8  # a step per file and per month of the group
    steps.clear()
    assert _same_content(
        export_workbook(organisation, progress=lambda p, s: steps.append(p)),
        export_workbook(organisation),
    )
    assert steps == sorted(steps)
    assert len(steps) >= 7


def test_expired_files_are_purged(
    client, coordinator, world, frozen, django_capture_on_commit_callbacks, settings
):
    settings.DOWNLOADS_KEPT_HOURS = 24
    settings.DOWNLOADS_KEPT_AFTER_DOWNLOAD_MINUTES = 10
    client.force_login(coordinator)
    _prepare(client, "workbook", {}, django_capture_on_commit_callbacks)
    _prepare(client, "grant_pack", {"grant": world["grant"].pk}, django_capture_on_commit_callbacks)
    kept, downloaded = Download.objects.order_by("pk")
    assert client.get(reverse("downloads:file", args=[downloaded.pk])).status_code == 200
    assert services.purge_expired_downloads() == 0

    # Once downloaded, the file is kept ten minutes; the other one a day.
    frozen.shift(datetime.timedelta(minutes=11))
    assert services.purge_expired_downloads() == 1
    downloaded.refresh_from_db()
    assert downloaded.purged_at is not None
    assert bytes(downloaded.content) == b""
    response = client.get(reverse("downloads:file", args=[downloaded.pk]), follow=True)
    assert "n\u2019est plus conservé" in response.content.decode()
    frozen.shift(datetime.timedelta(hours=24))
    assert services.purge_expired_downloads() == 1
    assert services.purge_expired_downloads() == 0  # twice: nothing more
    kept.refresh_from_db()
    assert bytes(kept.content) == b""

    # Prepared again from its page, with the same parameters (signed in anew: a day
    # has passed).
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("downloads:retry", args=[kept.pk]))
    kept.refresh_from_db()
    assert kept.status == DownloadStatus.DONE
    assert kept.size > 0
    assert kept.purged_at is None

    # The rows themselves are forgotten after a month.
    frozen.shift(datetime.timedelta(days=31))
    services.purge_expired_downloads()
    assert not Download.objects.exists()


def test_my_downloads_is_paginated_with_few_queries(
    client, coordinator, organisation, viewer, django_assert_max_num_queries
):
    for number in range(30):
        Download.objects.create(
            organisation=organisation,
            requested_by=coordinator,
            kind="report_pdf" if number % 2 else "workbook",
            language="fr",
            status=DownloadStatus.DONE,
            file_name=f"fichier-{number}.pdf",
            content=b"x" * 10,
            size=10,
        )
    Download.objects.create(
        organisation=organisation, requested_by=viewer, kind="report_pdf", language="fr"
    )
    client.force_login(coordinator)
    # The session and the user; the count and the page; the session's idle clock saved
    # (a savepoint, an update). Whatever the number of downloads.
    with django_assert_max_num_queries(7):
        page = client.get(reverse("downloads:list")).content.decode()
    assert page.count("fichier-") == 20
    assert "fichier-29.pdf" in page
    assert "Page 1 sur 2" in page
    page = client.get(reverse("downloads:list"), {"page": 2}).content.decode()
    assert page.count("fichier-") == 10
    assert reverse("downloads:list") in client.get(reverse("dashboard:home")).content.decode()


def test_a_closed_years_report_is_traced_as_its_closing(
    client, coordinator, organisation, world, django_capture_on_commit_callbacks
):
    closing = close_year(organisation, year=2025, by=coordinator)
    client.force_login(coordinator)
    _prepare(client, "report_xlsx", {"year": "2025"}, django_capture_on_commit_callbacks)
    download = Download.objects.get()
    assert download.traced == closing
    prepared = client.get(reverse("downloads:file", args=[download.pk]))
    direct = client.get(reverse("reporting:report_xlsx"), {"year": "2025"})
    assert _same_content(prepared.content, direct.content)
    assert (
        _views("reporting.yearclosing")
        == [(coordinator.pk, AuditPurpose.DOWNLOAD, str(closing.pk))] * 2
    )


def test_the_file_is_written_in_the_requesters_language(
    client, coordinator, world, django_capture_on_commit_callbacks
):
    coordinator.language = "nl"
    coordinator.save()
    client.force_login(coordinator)
    _prepare(client, "grant_pack", {"grant": world["grant"].pk}, django_capture_on_commit_callbacks)
    download = Download.objects.get()
    assert download.language == "nl"
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("downloads:file", args=[download.pk])).content)
    )
    assert "Datum" in archive.read("heures.csv").decode("utf-8-sig").splitlines()[0]


def test_through_the_database_queue_a_download_waits_for_a_worker_then_is_prepared(
    client, coordinator, organisation, database_tasks, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    _prepare(client, "workbook", CASES["workbook"][1](None), django_capture_on_commit_callbacks)
    download = Download.objects.get()
    assert DBTaskResult.objects.get(id=download.task_id).status == "READY"
    page = client.get(reverse("downloads:detail", args=[download.pk])).content.decode()
    assert "Aucun processus de travail ne tourne en ce moment" in page
    call_command("worker", "--batch", verbosity=0)
    download.refresh_from_db()
    assert download.status == DownloadStatus.DONE
    assert "participants" in read_back(services.open_download(download, by=coordinator))


def test_a_download_on_a_worker_that_died_is_failed_and_retried(
    client, coordinator, organisation, database_tasks, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    _prepare(client, "workbook", CASES["workbook"][1](None), django_capture_on_commit_callbacks)
    download = Download.objects.get()
    DBTaskResult.objects.get(id=download.task_id).claim("worker-gone")
    Download.objects.filter(pk=download.pk).update(status=DownloadStatus.RUNNING)
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(
        name="worker-gone",
        host="here",
        pid=1,
        queue="default",
        started_at=long_ago,
        last_seen=long_ago,
    )
    page = client.get(reverse("downloads:detail", args=[download.pk])).content.decode()
    download.refresh_from_db()
    assert download.status == DownloadStatus.FAILED
    assert "Réessayer" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("downloads:retry", args=[download.pk]))
    call_command("worker", "--batch", verbosity=0)
    download.refresh_from_db()
    assert (download.status, download.attempts) == (DownloadStatus.DONE, 2)
