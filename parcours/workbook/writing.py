"""Writing an import plan (``importer.Plan``): bulk inserts and updates, in the order the
records reference each other. Called by ``importer.import_workbook`` inside its
transaction, once the plan has no problem."""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from parcours.assessments.models import Assessment, DomainRating
from parcours.attendance.marks import refresh_marked
from parcours.attendance.models import Attendance
from parcours.attendance.runs import refresh_organisation_runs
from parcours.core.domains import Domain
from parcours.participants.models import Participant
from parcours.programme.models import Enrolment, Group
from parcours.workshops.models import Provider, Session, Workshop
from parcours.workshops.signals import announce_sessions_changed

BATCH = 2000
GROUP_FIELDS = ("process_type", "start_date", "end_date")
ENROLMENT_FIELDS = ("start_date", "exit_date", "outcome", "outcome_detail", "qualification_gained")


def write_plan(plan, organisation, *, author) -> None:
    org = organisation
    now = timezone.now()
    # The plan may have been made before the organisation existed (the command).
    for obj in plan.participants_new + plan.groups_new + plan.groups_changed:
        obj.organisation = org
    for person, _changed in plan.participants_changed:
        person.organisation = org
    Participant.objects.bulk_create(plan.participants_new, batch_size=BATCH)
    if plan.participants_changed:
        fields = sorted({f for _p, changed in plan.participants_changed for f in changed})
        fields.append("search_text")
        if "inactive_since" in fields and "inactive_since_month_only" not in fields:
            fields.append("inactive_since_month_only")
        Participant.objects.bulk_update(
            [p for p, _c in plan.participants_changed], fields, batch_size=500
        )
    people = dict(Participant.objects.filter(organisation=org).values_list("reference", "pk"))

    Group.objects.bulk_create(plan.groups_new, batch_size=BATCH)
    if plan.groups_changed:
        Group.objects.bulk_update(plan.groups_changed, GROUP_FIELDS, batch_size=500)
    groups = dict(Group.objects.filter(organisation=org).values_list("name", "pk"))

    Enrolment.objects.bulk_create(
        [
            Enrolment(participant_id=people[ref], group_id=groups[group], **values)
            for ref, group, values in plan.enrolments_new
        ],
        batch_size=BATCH,
    )
    if plan.enrolments_changed:
        Enrolment.objects.bulk_update(plan.enrolments_changed, ENROLMENT_FIELDS, batch_size=500)
    enrolments = {
        (ref, name): pk
        for pk, ref, name in Enrolment.objects.filter(group__organisation=org).values_list(
            "pk", "participant__reference", "group__name"
        )
    }

    if plan.assessments_new:
        if author is None:
            raise ValueError("Assessments need an author.")
        assessments = [
            Assessment(
                enrolment_id=enrolments[(ref, group)],
                moment=moment,
                date=day,
                duration_minutes=minutes,
                author=author,
            )
            for ref, group, moment, day, minutes, _ratings in plan.assessments_new
        ]
        Assessment.objects.bulk_create(assessments, batch_size=BATCH)
        DomainRating.objects.bulk_create(
            [
                DomainRating(assessment=assessment, domain=domain, rating=ratings.get(domain))
                for assessment, (*_key, ratings) in zip(
                    assessments, plan.assessments_new, strict=True
                )
                for domain in Domain.values
            ],
            batch_size=BATCH,
        )
    if plan.assessments_changed:
        rating_updates, rating_new, assessment_updates = [], [], []
        for before, day, minutes, ratings in plan.assessments_changed:
            assessment_updates.append(
                Assessment(
                    pk=before["pk"],
                    date=day,
                    duration_minutes=minutes,
                    version=before["version"] + 1,
                    updated_at=now,
                )
            )
            for domain, rating in ratings.items():
                stored = before["ratings"].get(domain)
                if stored is None:
                    rating_new.append(
                        DomainRating(assessment_id=before["pk"], domain=domain, rating=rating)
                    )
                elif stored[1] != rating:
                    rating_updates.append(DomainRating(pk=stored[0], rating=rating))
        Assessment.objects.bulk_update(
            assessment_updates, ["date", "duration_minutes", "version", "updated_at"]
        )
        DomainRating.objects.bulk_update(rating_updates, ["rating"], batch_size=500)
        DomainRating.objects.bulk_create(rating_new, batch_size=BATCH)

    Workshop.objects.bulk_create(
        [
            Workshop(organisation=org, name=name, axis=axis)
            for name, axis in plan.workshops_new.items()
        ]
    )
    if plan.workshops_changed:
        Workshop.objects.bulk_update(
            [Workshop(pk=pk, axis=axis) for pk, axis in plan.workshops_changed], ["axis"]
        )
    workshops = dict(Workshop.objects.filter(organisation=org).values_list("name", "pk"))
    Provider.objects.bulk_create(
        [
            Provider(organisation=org, name=name, kind=kind)
            for name, kind in plan.providers_new.items()
        ]
    )
    providers = dict(Provider.objects.filter(organisation=org).values_list("name", "pk"))

    cancelled_reason = _("Cancelled, according to the imported workbook.")
    Through = Session.groups.through
    sessions = []
    for (workshop, day, start), values, _groups in plan.sessions_new:
        sessions.append(
            Session(
                organisation=org,
                workshop_id=workshops[workshop],
                date=day,
                start_time=start,
                end_time=values["end_time"],
                provider_kind=values["provider_kind"],
                provider_id=providers[values["provider"]] if values["provider"] else None,
                cancelled=values["cancelled"],
                cancel_reason=cancelled_reason if values["cancelled"] else "",
            )
        )
    Session.objects.bulk_create(sessions, batch_size=BATCH)
    links = [
        Through(session_id=session.pk, group_id=groups[name])
        for session, (_key, _values, names) in zip(sessions, plan.sessions_new, strict=True)
        for name in sorted(names)
    ]
    if plan.sessions_changed:
        updates, regroup = [], []
        for before, values, names, changed in plan.sessions_changed:
            cancelled = values.get("cancelled", before["cancelled"])
            reason = before["cancel_reason"] if cancelled else ""
            if cancelled and not reason:
                reason = cancelled_reason
            provider = values["provider"]
            updates.append(
                Session(
                    pk=before["pk"],
                    provider_kind=values["provider_kind"],
                    provider_id=providers[provider] if provider else None,
                    start_time=before["start_time"],  # for the stored length
                    end_time=values["end_time"],
                    cancelled=cancelled,
                    cancel_reason=reason,
                )
            )
            if "groups" in changed:
                regroup.append(before["pk"])
                links += [
                    Through(session_id=before["pk"], group_id=groups[n]) for n in sorted(names)
                ]
        Session.objects.bulk_update(
            updates,
            ["provider_kind", "provider", "end_time", "cancelled", "cancel_reason"],
            batch_size=500,
        )
        for start in range(0, len(regroup), 500):
            Through.objects.filter(session_id__in=regroup[start : start + 500]).delete()
    Through.objects.bulk_create(links, batch_size=BATCH)
    announce_sessions_changed(
        org.pk,
        [day for (_workshop, day, _start), _values, _groups in plan.sessions_new]
        + [before["date"] for before, _values, _names, _changed in plan.sessions_changed],
    )

    if plan.attendance_new or plan.attendance_changed:
        session_pks = {
            (name, day, start): pk
            for pk, name, day, start in Session.objects.filter(organisation=org).values_list(
                "pk", "workshop__name", "date", "start_time"
            )
        }
        _insert_attendance(
            (session_pks[session], people[ref], status)
            for ref, session, status in plan.attendance_new
        )
        refresh_marked(Session.objects.filter(organisation=org))
        Attendance.objects.bulk_update(
            [
                Attendance(pk=pk, status=status, marked_at=now)
                for pk, status in plan.attendance_changed
            ],
            ["status", "marked_at"],
            batch_size=500,
        )
        refresh_organisation_runs(org.pk)  # the marks were written past the model


def _insert_attendance(rows) -> None:
    """Insert (session id, participant id, status) rows with ``executemany``.

    The one place where the import does not go through ``bulk_create``: for 500,000
    marks, compiling the ORM's multi-row INSERT took most of the import's time (the
    database itself needed a tenth of it). The columns come from the model, so the
    statement follows it; the values are those ``bulk_create`` would have written
    (``marked_by`` empty, ``marked_at`` now).
    """
    meta = Attendance._meta
    quote = connection.ops.quote_name
    columns = ("session", "participant", "status", "marked_by", "marked_at")
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(meta.get_field(name).column) for name in columns),
        ", ".join(["%s"] * len(columns)),
    )
    marked_at = meta.get_field("marked_at").get_db_prep_value(
        timezone.now(), connection, prepared=False
    )
    batch = []
    with connection.cursor() as cursor:
        for session_id, participant_id, status in rows:
            batch.append((session_id, participant_id, status, None, marked_at))
            if len(batch) >= 10 * BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
