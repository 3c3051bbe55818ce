"""Walks every URL of the project as each role, as an anonymous visitor and as a user of
another organisation, and checks the answer against the table below.

The table is the specification of who may open what. A URL missing from it fails the
test, so a new view cannot ship without its access rule being written down and checked.
"""

import datetime
import re
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.accounts.checks import iter_url_patterns
from parcours.assessments.factories import ActionFactory
from parcours.downloads.models import Download
from parcours.participants.factories import ConsentFactory, InterventionFactory
from parcours.programme.factories import EnrolmentFactory
from parcours.programme.models import ExitFollowUp
from parcours.workbook.factories import ImportJobFactory
from parcours.workshops.factories import SessionFactory

ROLES = ("coordinator", "social_worker", "workshop_leader", "viewer", "federation_analyst")
# A federation analyst is of no organisation: no page of a CPAS is theirs.
ORGANISATION_ROLES = frozenset({"coordinator", "social_worker", "workshop_leader", "viewer"})
EVERY_ROLE = ORGANISATION_ROLES
# Their own sign-in (password, second factor) is every user's.
ANY_USER = frozenset(ROLES)
ANALYST = frozenset({"federation_analyst"})
STAFF = frozenset({"coordinator", "social_worker", "workshop_leader"})
COORDINATOR = frozenset({"coordinator"})
CASEWORK = frozenset({"coordinator", "social_worker"})
TAKERS = frozenset({"coordinator", "workshop_leader"})


@dataclass(frozen=True)
class Rule:
    """Who may open a URL with GET, and what they get."""

    allowed: frozenset = EVERY_ROLE  # roles that get `ok`; the others get 403
    public: bool = False  # anonymous visitors get `anonymous_status` instead of the sign-in page
    ok: int = 200
    anonymous_status: int = 200
    kwargs: object = None  # builds the URL arguments from the test's world
    scoped: bool = False  # the URL names a record: another organisation gets 404
    signed_in_status: dict = field(default_factory=dict)  # per-role exceptions for public URLs


def _bogus_reset_token(world):
    return {"uidb64": "MQ", "token": "set-password"}


def _user_of_organisation(world):
    return {"pk": world["social_worker"].pk}


def _participant(world):
    return {"pk": world["participant"].pk}


def _consent(world):
    return {"pk": world["participant"].pk, "consent_pk": world["consent"].pk}


def _group(world):
    return {"pk": world["enrolment"].group_id}


def _enrolment(world):
    return {"pk": world["enrolment"].pk}


def _follow_up(world):
    return {"pk": world["follow_up"].pk}


def _assessment(world):
    return {"enrolment_pk": world["enrolment"].pk, "moment": "entry"}


def _enrolment_actions(world):
    return {"enrolment_pk": world["enrolment"].pk}


def _session(world):
    return {"pk": world["session"].pk}


def _project(world):
    from parcours.projects.factories import ProjectFactory

    return {"pk": ProjectFactory(enrolment=world["enrolment"]).pk}


def _project_version(world):
    return {**_project(world), "number": 1}


def _session_participant(world):
    return {"pk": world["session"].pk, "participant_pk": world["participant"].pk}


def _action(world):
    return {"pk": world["action"].pk}


def _intervention(world):
    return {"pk": world["participant"].pk, "intervention_pk": world["intervention"].pk}


def _workshop(world):
    return {"pk": world["session"].workshop_id}


def _provider(world):
    from parcours.workshops.factories import ProviderFactory

    return {"pk": ProviderFactory(organisation=world["session"].organisation).pk}


def _closing_period(world):
    import datetime

    from parcours.workshops.models import ClosingPeriod

    period = ClosingPeriod.objects.create(
        organisation=world["session"].organisation,
        label="Été",
        start_date=datetime.date(2026, 7, 1),
        end_date=datetime.date(2026, 8, 15),
    )
    return {"pk": period.pk}


def _leader(world):
    return {"pk": world["workshop_leader"].pk}


def _leader_feed(world):
    from parcours.workshops.planning import renew_feed_token

    leader = world["workshop_leader"]
    return {"token": renew_feed_token(leader.organisation, "leader", leader.pk)}


def _funding(world):
    """A funder, a grant over the session's date, the group charged and the session too."""
    import datetime
    from decimal import Decimal

    from parcours.funding.models import Funder, Grant, GroupCharge, SessionCharge

    session = world["session"]
    organisation = session.organisation
    funder = Funder.objects.create(organisation=organisation, name="FSE", kind="esf")
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="FSE 2026",
        start_date=datetime.date(session.date.year, 1, 1),
        end_date=datetime.date(session.date.year, 12, 31),
        amount=Decimal("10000"),
    )
    return {
        "funder": funder,
        "grant": grant,
        "group_charge": GroupCharge.objects.create(
            grant=grant, group=world["enrolment"].group, share=Decimal("50")
        ),
        "session_charge": SessionCharge.objects.create(
            grant=grant, session=session, share=Decimal("50")
        ),
    }


def _funder(world):
    return {"pk": _funding(world)["funder"].pk}


def _grant(world):
    return {"pk": _funding(world)["grant"].pk}


def _group_charge(world):
    return {"pk": _funding(world)["group_charge"].pk}


def _session_charge(world):
    return {"pk": _funding(world)["session_charge"].pk}


def _pas_grant(world):
    """A PAS grant over the session's year with its parts' amounts and one expense."""
    import datetime
    from decimal import Decimal

    from parcours.funding.models import Expense, Funder, Grant, PasBudget

    session = world["session"]
    organisation = session.organisation
    funder = Funder.objects.create(organisation=organisation, name="SPP IS", kind="pas")
    grant = Grant.objects.create(
        organisation=organisation,
        funder=funder,
        name="PAS 2026",
        start_date=datetime.date(session.date.year, 1, 1),
        end_date=datetime.date(session.date.year, 12, 31),
        amount=Decimal("1000"),
    )
    PasBudget.objects.create(
        grant=grant, amount_a=Decimal("500"), amount_b=Decimal("300"), amount_c=Decimal("200")
    )
    expense = Expense.objects.create(
        organisation=organisation,
        grant=grant,
        date=session.date,
        part="B",
        category="activities",
        amount=Decimal("20"),
        group=world["enrolment"].group,
        proof_reference="T-1",
        proof_total=Decimal("20"),
    )
    return {"grant": grant, "expense": expense}


def _pas_grant_pk(world):
    return {"pk": _pas_grant(world)["grant"].pk}


def _pas_file(world):
    return {**_pas_grant_pk(world), "file_format": "json"}


def _expense(world):
    return {"pk": _pas_grant(world)["expense"].pk}


def _closed_year(world):
    from django.utils import timezone

    from parcours.reporting.closing import close_year

    coordinator = world["coordinator"]
    year = timezone.localdate().year - 1
    close_year(coordinator.organisation, year=year, by=coordinator)
    return {"year": year}


def _unsubscribe_token(world):
    from parcours.reminders.tokens import USER_SALT, make_token

    return {"token": make_token(USER_SALT, world["social_worker"].pk)}


def _opt_out_token(world):
    from parcours.reminders.tokens import PARTICIPANT_SALT, make_token

    return {"token": make_token(PARTICIPANT_SALT, world["participant"].pk)}


def _download(world):
    """A workbook prepared for the coordinator: theirs alone, even in their organisation."""
    coordinator = world["coordinator"]
    download = Download.objects.create(
        organisation=coordinator.organisation,
        requested_by=coordinator,
        kind="workbook",
        language="fr",
        status="done",
        content=b"PK",
        size=2,
        file_name="parcours.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    return {"pk": download.pk}


# Somebody else's download does not exist for them (404), whatever their role.
NOT_THEIRS = {"social_worker": 404, "workshop_leader": 404, "viewer": 404}


def _import_job(world):
    coordinator = world["coordinator"]
    job = ImportJobFactory(organisation=coordinator.organisation, created_by=coordinator)
    return {"pk": job.pk}


def _anonymisation_job(world):
    from parcours.privacy.models import AnonymisationJob

    coordinator = world["coordinator"]
    job = AnonymisationJob.objects.create(
        organisation=coordinator.organisation,
        requested_by=coordinator,
        inactive_before="2020-01-01",
        status=AnonymisationJob.Status.FAILED,
    )
    return {"pk": job.pk}


def _federation(world):
    """The coordinator's federation; the other organisation's gets one of its own."""
    from parcours.accounts.models import Federation

    organisation = world["coordinator"].organisation
    if organisation.federation is None:
        organisation.federation = Federation.objects.create(name="Ailleurs", slug="elsewhere")
        organisation.save()
    return {"slug": organisation.federation.slug}


def _federation_analyst(world):
    from parcours.accounts.factories import UserFactory

    slug = _federation(world)["slug"]
    federation = world["coordinator"].organisation.federation
    analyst = federation.analysts.first() or UserFactory(
        organisation=None, federation=federation, role="federation_analyst"
    )
    return {"slug": slug, "pk": analyst.pk}


def _api_token(world):
    from parcours.api.tokens import issue_token

    coordinator = world["coordinator"]
    token, _secret = issue_token(
        user=coordinator,
        name="tests",
        scope="read",
        expires_at=timezone.now() + datetime.timedelta(days=1),
        by=coordinator,
    )
    return {"pk": token.pk}


def _workshop(world):
    return {"pk": world["session"].workshop_id}


def _mark(world):
    from parcours.attendance.models import Attendance

    mark, _created = Attendance.objects.get_or_create(
        session=world["session"], participant=world["participant"], defaults={"status": "present"}
    )
    return {"pk": mark.pk}


def _api_assessment(world):
    from parcours.assessments.factories import AssessmentFactory
    from parcours.assessments.models import Assessment

    enrolment = world["enrolment"]
    assessment = Assessment.objects.filter(enrolment=enrolment, moment="entry").first()
    return {"pk": (assessment or AssessmentFactory(enrolment=enrolment)).pk}


def _api_intervention(world):
    return {"pk": world["intervention"].pk}


def _literacy_test(world):
    from parcours.participants.factories import LiteracyTestFactory

    return {"pk": LiteracyTestFactory(participant=world["participant"]).pk}


def _api_rules():
    """The API authenticates itself: without a session or a token it answers 401, and
    a role without access gets 403 from the endpoint (the analyst's session too)."""

    def rule(allowed, kwargs=None, ok=200):
        refused = {role: 403 for role in ROLES if role not in allowed}
        return Rule(
            public=True,
            ok=ok,
            anonymous_status=401,
            signed_in_status=refused,
            kwargs=kwargs,
            scoped=kwargs is not None,
            allowed=allowed,
        )

    resources = {
        "participant": _participant,
        "group": _group,
        "enrolment": _enrolment,
        "workshop": _workshop,
        "session": _session,
        "mark": _mark,
    }
    rules = {}
    for name, kwargs in resources.items():
        rules[f"api:v1:{name}_list"] = rule(STAFF)
        rules[f"api:v1:{name}_detail"] = rule(STAFF, kwargs)
    # The writes at the same addresses as the lists and the details, whose GET they answer.
    for name in ("participant", "group", "enrolment", "workshop", "session"):
        rules[f"api:v1:{name}_create"] = rule(STAFF)
    for name in ("participant", "group", "workshop", "session"):
        rules[f"api:v1:{name}_update"] = rule(STAFF, resources[name])
    # Writes at addresses of their own answer GET with 405 before asking who calls; who
    # may write, and another organisation's ids, are checked in parcours/api/tests.
    for name, kwargs in (("enrolment_exit", _enrolment), ("mark_set", _session_participant)):
        rules[f"api:v1:{name}"] = Rule(public=True, ok=405, anonymous_status=405, kwargs=kwargs)
    # Casework, as the participant's file shows it: casework roles only.
    casework = {
        "assessment": _api_assessment,
        "action": _action,
        "intervention": _api_intervention,
    }
    for name, kwargs in casework.items():
        rules[f"api:v1:{name}_list"] = rules[f"api:v1:{name}_create"] = rule(CASEWORK)
        rules[f"api:v1:{name}_detail"] = rules[f"api:v1:{name}_update"] = rule(CASEWORK, kwargs)
    # Asked for without its year: the parameters are invalid, which is checked before
    # who asks (the analyst too).
    report = rule(EVERY_ROLE, ok=422)
    report.signed_in_status["federation_analyst"] = 422
    rules["api:v1:yearly_report"] = report
    # Funding: the funders for the coordinator, the grants' figures for every role, the
    # report pack's figures for the coordinator, a PAS justification for casework.
    rules["api:v1:funder_list"] = rule(COORDINATOR)
    rules["api:v1:funder_detail"] = rule(COORDINATOR, _funder)
    rules["api:v1:grant_list"] = rule(EVERY_ROLE)
    rules["api:v1:grant_detail"] = rule(EVERY_ROLE, _grant)
    rules["api:v1:grant_report"] = rule(COORDINATOR, _grant)
    rules["api:v1:grant_esf_indicators"] = rule(EVERY_ROLE, _grant)
    rules["api:v1:grant_pas_justification"] = rule(CASEWORK, _pas_grant_pk)
    # Providers for the programme's staff, closing periods for the coordinator, the
    # follow-ups after exit and literacy tests for casework, a register's summary for
    # those who take it; GET at the create and change addresses reads the list or the
    # record there.
    rules["api:v1:provider_list"] = rules["api:v1:provider_create"] = rule(STAFF)
    rules["api:v1:provider_detail"] = rules["api:v1:provider_update"] = rule(STAFF, _provider)
    rules["api:v1:closing_period_list"] = rules["api:v1:closing_period_create"] = rule(COORDINATOR)
    rules["api:v1:closing_period_detail"] = rules["api:v1:closing_period_delete"] = rule(
        COORDINATOR, _closing_period
    )
    rules["api:v1:follow_up_list"] = rule(CASEWORK)
    rules["api:v1:follow_up_detail"] = rules["api:v1:follow_up_record"] = rule(CASEWORK, _follow_up)
    rules["api:v1:literacy_test_list"] = rules["api:v1:literacy_test_create"] = rule(CASEWORK)
    rules["api:v1:literacy_test_detail"] = rule(CASEWORK, _literacy_test)
    rules["api:v1:register_summary"] = rule(TAKERS, _session)
    # Writes at addresses of their own (POST only): GET answers 405.
    for name, kwargs in (
        ("enrolment_extension", _enrolment),
        ("register_validate", _session),
        ("series_create", None),
    ):
        rules[f"api:v1:{name}"] = Rule(public=True, ok=405, anonymous_status=405, kwargs=kwargs)
    return rules


RULES = {
    "dashboard:home": Rule(),
    "dashboard:accessibility": Rule(public=True),
    "background:health": Rule(public=True),
    "accounts:login": Rule(
        public=True, signed_in_status=dict.fromkeys(ROLES, 302)
    ),  # a signed-in user is sent on to the dashboard
    "accounts:logout": Rule(public=True, ok=405, anonymous_status=405),  # POST only
    "accounts:password_reset": Rule(public=True),
    "accounts:password_reset_done": Rule(public=True),
    "accounts:password_reset_confirm": Rule(public=True, kwargs=_bogus_reset_token),
    "accounts:password_reset_complete": Rule(public=True),
    "accounts:password_change": Rule(allowed=ANY_USER),
    "accounts:password_change_done": Rule(allowed=ANY_USER),
    "accounts:set_language": Rule(public=True, ok=405, anonymous_status=405),  # POST only
    "accounts:keep_alive": Rule(allowed=ANY_USER, ok=405),  # POST only
    "accounts:profile": Rule(),
    "accounts:user_list": Rule(allowed=COORDINATOR),
    "accounts:organisation_settings": Rule(allowed=COORDINATOR),
    "accounts:user_create": Rule(allowed=COORDINATOR),
    "accounts:user_update": Rule(allowed=COORDINATOR, kwargs=_user_of_organisation, scoped=True),
    "accounts:user_second_factor_reset": Rule(
        allowed=COORDINATOR, ok=405, kwargs=_user_of_organisation, scoped=True
    ),  # POST only
    "accounts:user_deactivate": Rule(
        allowed=COORDINATOR, ok=405, kwargs=_user_of_organisation, scoped=True
    ),  # POST only
    # The federation the coordinator's CPAS is a member of: another's does not exist.
    "accounts:federation_manage": Rule(allowed=COORDINATOR, kwargs=_federation, scoped=True),
    "accounts:federation_analyst_create": Rule(
        allowed=COORDINATOR, kwargs=_federation, scoped=True
    ),
    "accounts:federation_analyst_revoke": Rule(
        allowed=COORDINATOR, ok=405, kwargs=_federation_analyst, scoped=True
    ),  # POST only
    # Without a second factor set up nor required, both send on: to the page asked for,
    # to the set-up.
    "accounts:second_factor": Rule(allowed=ANY_USER, ok=302),
    "accounts:second_factor_setup": Rule(allowed=ANY_USER),
    "accounts:recovery_codes": Rule(allowed=ANY_USER, ok=302),
    "audit:event_list": Rule(allowed=COORDINATOR),
    "participants:participant_list": Rule(allowed=STAFF),
    "participants:participant_create": Rule(allowed=CASEWORK),
    "participants:participant_search": Rule(allowed=STAFF),
    "participants:participant_detail": Rule(allowed=STAFF, kwargs=_participant, scoped=True),
    "participants:participant_update": Rule(allowed=CASEWORK, kwargs=_participant, scoped=True),
    "participants:consent_create": Rule(allowed=CASEWORK, kwargs=_participant, scoped=True),
    "participants:consent_withdraw": Rule(
        allowed=CASEWORK, kwargs=_consent, scoped=True, ok=405
    ),  # POST only
    # The world's participant has no photo: whoever may open the file gets a 404.
    "participants:photo": Rule(allowed=STAFF, kwargs=_participant, scoped=True, ok=404),
    "participants:photo_update": Rule(allowed=CASEWORK, kwargs=_participant, scoped=True),
    "participants:photo_delete": Rule(
        allowed=CASEWORK, kwargs=_participant, scoped=True, ok=405
    ),  # POST only
    "participants:intervention_create": Rule(allowed=CASEWORK, kwargs=_participant, scoped=True),
    "participants:intervention_update": Rule(allowed=CASEWORK, kwargs=_intervention, scoped=True),
    "participants:literacy_test_create": Rule(allowed=CASEWORK, kwargs=_participant, scoped=True),
    "participants:export_json": Rule(allowed=CASEWORK, kwargs=_participant, scoped=True),
    "participants:export_pdf": Rule(allowed=CASEWORK, kwargs=_participant, scoped=True),
    # A leader's sheet leaves out the social data (docs/participant-sheet.md).
    "participants:sheet": Rule(allowed=STAFF, kwargs=_participant, scoped=True),
    "participants:sheet_pdf": Rule(allowed=STAFF, kwargs=_participant, scoped=True),
    # -- workshops: catalogue, planning, calendars --
    "workshops:workshop_list": Rule(allowed=STAFF),
    "workshops:workshop_create": Rule(allowed=COORDINATOR),
    "workshops:workshop_update": Rule(allowed=COORDINATOR, kwargs=_workshop, scoped=True),
    "workshops:provider_list": Rule(allowed=STAFF),
    "workshops:provider_create": Rule(allowed=COORDINATOR),
    "workshops:provider_update": Rule(allowed=COORDINATOR, kwargs=_provider, scoped=True),
    "workshops:closing_list": Rule(allowed=COORDINATOR),
    "workshops:closing_create": Rule(allowed=COORDINATOR),
    "workshops:closing_delete": Rule(
        allowed=COORDINATOR, kwargs=_closing_period, scoped=True, ok=405
    ),  # POST only
    "workshops:week": Rule(allowed=STAFF),
    "workshops:series_plan": Rule(allowed=CASEWORK),
    "workshops:session_create": Rule(allowed=CASEWORK),
    "workshops:group_search": Rule(allowed=CASEWORK),
    "attendance:workshop_search": Rule(allowed=TAKERS),
    "workshops:session_detail": Rule(allowed=STAFF, kwargs=_session, scoped=True),
    "workshops:session_cancel": Rule(allowed=CASEWORK, kwargs=_session, scoped=True),
    "workshops:session_change": Rule(allowed=CASEWORK, kwargs=_session, scoped=True),
    "workshops:group_week": Rule(allowed=STAFF, kwargs=_group, scoped=True),
    "workshops:group_feed_renew": Rule(
        allowed=CASEWORK, kwargs=_group, scoped=True, ok=405
    ),  # POST only
    "workshops:leader_week": Rule(allowed=STAFF, kwargs=_leader, scoped=True),
    "workshops:leader_feed_renew": Rule(
        allowed=STAFF, kwargs=_leader, scoped=True, ok=405
    ),  # POST only; the leader themself or the coordinator
    "workshops:feed": Rule(public=True, kwargs=_leader_feed),  # the secret is the access
    # -- attendance: registers and hours --
    "attendance:hours": Rule(),
    "attendance:register_list": Rule(allowed=TAKERS),
    "attendance:register": Rule(allowed=TAKERS, kwargs=_session, scoped=True),
    "attendance:mark": Rule(
        allowed=TAKERS, kwargs=_session_participant, scoped=True, ok=405
    ),  # POST only
    "attendance:validate": Rule(allowed=TAKERS, kwargs=_session, scoped=True),
    "attendance:correct": Rule(allowed=COORDINATOR, kwargs=_session_participant, scoped=True),
    "attendance:session_sheet": Rule(allowed=STAFF, kwargs=_session, scoped=True),
    "attendance:group_month": Rule(allowed=STAFF, kwargs=_group, scoped=True),
    "attendance:group_month_sheet": Rule(allowed=STAFF, kwargs=_group, scoped=True),
    # -- reporting: yearly figures, closing --
    "reporting:report": Rule(),
    "reporting:report_csv": Rule(),
    "reporting:report_xlsx": Rule(),
    "reporting:report_pdf": Rule(),
    "reporting:report_json": Rule(),
    "reporting:group_search": Rule(),  # group names only, as the report form offers
    "reporting:people": Rule(allowed=CASEWORK),  # the people behind a count: social data
    # The ESF+ files need a grant of the organisation: without one, 400.
    "reporting:esf_xlsx": Rule(ok=400),
    "reporting:esf_pdf": Rule(ok=400),
    "reporting:esf_participants_xlsx": Rule(allowed=CASEWORK, ok=400),  # pseudonymised rows
    "reporting:esf_participants_csv": Rule(allowed=CASEWORK, ok=400),
    "reporting:close_year": Rule(allowed=COORDINATOR, ok=405),  # POST only
    "reporting:reopen_year": Rule(allowed=COORDINATOR, kwargs=_closed_year, scoped=True),
    # The anonymous figures of a federation's CPAS: its analysts only.
    "reporting:federation": Rule(allowed=ANALYST),
    "reporting:federation_csv": Rule(allowed=ANALYST),
    "reporting:federation_xlsx": Rule(allowed=ANALYST),
    # -- funding: funders, grants, report packs --
    "funding:funder_list": Rule(allowed=COORDINATOR),
    "funding:funder_create": Rule(allowed=COORDINATOR),
    "funding:funder_update": Rule(allowed=COORDINATOR, kwargs=_funder, scoped=True),
    "funding:grant_list": Rule(),  # figures only, no participant data
    "funding:grant_create": Rule(allowed=COORDINATOR),
    # Without a grant of the organisation in its query string: nothing to search, 404.
    "funding:session_search": Rule(allowed=COORDINATOR, ok=404),
    "funding:grant_detail": Rule(kwargs=_grant, scoped=True),  # figures only
    "funding:grant_update": Rule(allowed=COORDINATOR, kwargs=_grant, scoped=True),
    "funding:grant_pack": Rule(allowed=COORDINATOR, kwargs=_grant, scoped=True),
    "funding:group_charge_create": Rule(allowed=COORDINATOR, kwargs=_grant, scoped=True),
    "funding:session_charge_create": Rule(allowed=COORDINATOR, kwargs=_grant, scoped=True),
    "funding:group_charge_update": Rule(allowed=COORDINATOR, kwargs=_group_charge, scoped=True),
    "funding:group_charge_delete": Rule(
        allowed=COORDINATOR, kwargs=_group_charge, scoped=True, ok=405
    ),  # POST only
    "funding:session_charge_update": Rule(allowed=COORDINATOR, kwargs=_session_charge, scoped=True),
    "funding:session_charge_delete": Rule(
        allowed=COORDINATOR, kwargs=_session_charge, scoped=True, ok=405
    ),  # POST only
    # -- the PAS ledger names the beneficiaries: casework only --
    "funding:expense_list": Rule(allowed=CASEWORK, kwargs=_pas_grant_pk, scoped=True),
    "funding:expense_create": Rule(allowed=CASEWORK, kwargs=_pas_grant_pk, scoped=True),
    "funding:expense_update": Rule(allowed=CASEWORK, kwargs=_expense, scoped=True),
    "funding:expense_delete": Rule(
        allowed=CASEWORK, kwargs=_expense, scoped=True, ok=405
    ),  # POST only
    "funding:pas_budget_update": Rule(allowed=COORDINATOR, kwargs=_pas_grant_pk, scoped=True),
    "funding:pas_report": Rule(allowed=CASEWORK, kwargs=_pas_file, scoped=True),
    # -- workbook: import and export --
    "workbook:home": Rule(allowed=COORDINATOR),
    "workbook:export": Rule(allowed=COORDINATOR),
    "workbook:template": Rule(allowed=COORDINATOR),
    "workbook:job": Rule(
        allowed=COORDINATOR,
        kwargs=_import_job,
        scoped=True,
    ),
    "workbook:job_confirm": Rule(
        allowed=COORDINATOR,
        ok=405,
        kwargs=_import_job,
        scoped=True,
    ),  # POST only
    "workbook:job_retry": Rule(
        allowed=COORDINATOR,
        ok=405,
        kwargs=_import_job,
        scoped=True,
    ),  # POST only
    # -- downloads: files prepared in the background --
    "downloads:list": Rule(),
    "downloads:prepare": Rule(ok=405, kwargs=lambda world: {"kind": "workbook"}),  # POST only
    "downloads:detail": Rule(
        allowed=COORDINATOR, kwargs=_download, scoped=True, signed_in_status=NOT_THEIRS
    ),
    "downloads:file": Rule(
        allowed=COORDINATOR, kwargs=_download, scoped=True, signed_in_status=NOT_THEIRS
    ),
    "downloads:retry": Rule(ok=405, kwargs=_download, scoped=True),  # POST only
    # -- privacy: retention, anonymisation, erasure --
    "privacy:queue": Rule(allowed=COORDINATOR),
    "privacy:retention": Rule(allowed=COORDINATOR),
    "privacy:erase": Rule(allowed=COORDINATOR, kwargs=_participant, scoped=True),
    # -- reminders: digest choice, the message log, the links of the messages --
    "reminders:preferences": Rule(),
    "reminders:log": Rule(allowed=COORDINATOR),
    "reminders:unsubscribe": Rule(
        public=True, kwargs=_unsubscribe_token
    ),  # the token is the access
    "reminders:opt_out": Rule(public=True, kwargs=_opt_out_token),
    "privacy:job_retry": Rule(
        allowed=COORDINATOR, ok=405, kwargs=_anonymisation_job, scoped=True
    ),  # POST only
    "programme:group_list": Rule(allowed=STAFF),
    "programme:group_create": Rule(allowed=CASEWORK),
    "programme:group_search": Rule(allowed=STAFF),
    "programme:group_detail": Rule(allowed=STAFF, kwargs=_group, scoped=True),
    "programme:group_update": Rule(allowed=CASEWORK, kwargs=_group, scoped=True),
    "programme:enrolment_create": Rule(allowed=CASEWORK, kwargs=_group, scoped=True),
    "programme:participant_enrol": Rule(allowed=CASEWORK, kwargs=_participant, scoped=True),
    "programme:enrolment_exit": Rule(allowed=CASEWORK, kwargs=_enrolment, scoped=True),
    "programme:enrolment_extend": Rule(allowed=CASEWORK, kwargs=_enrolment, scoped=True),
    "programme:follow_up_record": Rule(allowed=CASEWORK, kwargs=_follow_up, scoped=True),
    "assessments:assessment_edit": Rule(allowed=CASEWORK, kwargs=_assessment, scoped=True),
    "assessments:action_create": Rule(allowed=CASEWORK, kwargs=_enrolment_actions, scoped=True),
    "assessments:action_update": Rule(allowed=CASEWORK, kwargs=_action, scoped=True),
    "assessments:kiosk_start": Rule(  # POST only
        allowed=CASEWORK, ok=405, kwargs=_assessment, scoped=True
    ),
    # The kiosk's screens: without a kiosk started in the session, back to the dashboard.
    "assessments:kiosk_welcome": Rule(allowed=CASEWORK, ok=302),
    "assessments:kiosk_language": Rule(allowed=CASEWORK, ok=302),
    "assessments:kiosk_question": Rule(
        allowed=CASEWORK, ok=302, kwargs=lambda world: {"domain": "housing"}
    ),
    "assessments:kiosk_done": Rule(allowed=CASEWORK, ok=302),
    "assessments:kiosk_unlock": Rule(ok=302),
    "projects:project_detail": Rule(allowed=CASEWORK, kwargs=_enrolment_actions, scoped=True),
    "projects:project_create": Rule(allowed=CASEWORK, kwargs=_enrolment_actions, scoped=True),
    "projects:project_edit": Rule(allowed=CASEWORK, kwargs=_project, scoped=True),
    "projects:version_detail": Rule(allowed=CASEWORK, kwargs=_project_version, scoped=True),
    "projects:version_pdf": Rule(allowed=CASEWORK, kwargs=_project_version, scoped=True),
    "projects:version_sign": Rule(  # POST only
        allowed=CASEWORK, ok=405, kwargs=_project_version, scoped=True
    ),
    "projects:evaluation_create": Rule(  # POST only
        allowed=CASEWORK, ok=405, kwargs=_project, scoped=True
    ),
    "projects:interval_edit": Rule(allowed=COORDINATOR),
    # -- the REST API's tokens page, and the API through the browser's session --
    "api:token_list": Rule(allowed=COORDINATOR),
    "api:token_create": Rule(allowed=COORDINATOR),
    "api:token_revoke": Rule(  # POST only
        allowed=COORDINATOR, ok=405, kwargs=_api_token, scoped=True
    ),
    "api:v1:api-root": Rule(public=True, ok=404, anonymous_status=404),
    "api:v1:openapi-json": Rule(public=True),
    "api:v1:openapi-view": Rule(public=True),
    **_api_rules(),
}


def test_every_url_has_an_access_rule():
    resolved = set()
    for route, name, _pattern in iter_url_patterns():
        assert name, f"URL {route!r} has no name: the access table cannot name it."
        resolved.add(name)
    missing = resolved - RULES.keys()
    stale = RULES.keys() - resolved
    assert not missing, f"URLs without a rule in the access table: {sorted(missing)}"
    assert not stale, f"Rules for URLs that no longer exist: {sorted(stale)}"


def _world_of(personas):
    """The people, and a participant in a group the workshop leader is in charge of."""
    organisation = personas["coordinator"].organisation
    enrolment = EnrolmentFactory(
        group__organisation=organisation, participant__organisation=organisation
    )
    enrolment.group.staff.add(personas["workshop_leader"])
    participant = enrolment.participant
    exited = EnrolmentFactory(
        participant=participant,
        group__organisation=organisation,
        exit_date=enrolment.start_date,
        outcome="social_project",
        outcome_detail="volunteering",
    )
    return {
        **personas,
        "participant": participant,
        "consent": ConsentFactory(participant=participant, collected_by=personas["social_worker"]),
        "intervention": InterventionFactory(
            participant=participant, author=personas["social_worker"]
        ),
        "enrolment": enrolment,
        "follow_up": ExitFollowUp.objects.create(enrolment=exited, due_on=exited.exit_date),
        "action": ActionFactory(enrolment=enrolment),
        "session": SessionFactory(
            organisation=organisation, groups=[enrolment.group], leader=personas["workshop_leader"]
        ),
    }


def _analyst_of(organisation):
    """An analyst of a federation the organisation is a member of."""
    from parcours.accounts.factories import UserFactory
    from parcours.accounts.models import Federation

    federation = Federation.objects.create(name="Fédération", slug="federation")
    organisation.federation = federation
    organisation.save()
    return UserFactory(
        organisation=None, federation=federation, role="federation_analyst", username="analyst"
    )


@pytest.fixture
def world(personas, outsider):
    analyst = _analyst_of(personas["coordinator"].organisation)
    return {**_world_of(personas), "federation_analyst": analyst, "outsider": outsider}


@pytest.fixture
def elsewhere(other_organisation, outsider):
    """The same records in another organisation, with staff of its own in every role."""
    from parcours.accounts.factories import UserFactory

    staff = {
        role: UserFactory(
            organisation=other_organisation, username=f"{role}-elsewhere", **{role: True}
        )
        for role in ORGANISATION_ROLES
        if role != "coordinator"
    }
    return _world_of({"coordinator": outsider, **staff})


def _url(name, rule, world):
    return reverse(name, kwargs=rule.kwargs(world) if rule.kwargs else None)


@pytest.mark.parametrize("name", sorted(RULES))
def test_anonymous_visitor(client, world, name):
    rule = RULES[name]
    url = _url(name, rule, world)
    response = client.get(url)
    if rule.public:
        assert response.status_code == rule.anonymous_status
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role(client, world, name, role):
    rule = RULES[name]
    client.force_login(world[role])
    response = client.get(_url(name, rule, world))
    if role in rule.signed_in_status:
        expected = rule.signed_in_status[role]
    elif rule.public or role in rule.allowed:
        expected = rule.ok
    else:
        expected = 403
    assert response.status_code == expected
    if expected == 200 and response["Content-Type"].startswith("text/html"):
        _assert_post_forms_carry_csrf_token(response.content.decode())


POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def _assert_post_forms_carry_csrf_token(html):
    """The test client skips CSRF checks; a form without its token would fail in a browser."""
    for form in POST_FORM.findall(html):
        assert 'name="csrfmiddlewaretoken"' in form, f"POST form without CSRF token: {form[:200]}"


@pytest.mark.parametrize("name", sorted(n for n, rule in RULES.items() if rule.scoped))
def test_other_organisation_gets_not_found(client, world, name):
    rule = RULES[name]
    client.force_login(world["outsider"])
    fetch = client.post if rule.ok == 405 else client.get  # POST-only URLs are tried by POST
    assert fetch(_url(name, rule, world)).status_code == 404


@pytest.mark.parametrize("name", sorted(n for n, rule in RULES.items() if rule.scoped))
def test_no_role_reaches_another_organisations_records(client, world, elsewhere, name):
    """Each of our roles, with the ids of another organisation's records in the URL: the
    records are not found (or the role may not open such pages at all), never shown.
    The roles are tried in one test: the two organisations' records are built once."""
    rule = RULES[name]
    url = _url(name, rule, elsewhere)
    answers = {}
    for role in ROLES:
        client.force_login(world[role])
        fetch = client.post if rule.ok == 405 else client.get  # POST-only URLs by POST
        answers[role] = fetch(url).status_code
    expected = {
        role: 404 if role in rule.allowed and role not in rule.signed_in_status else answers[role]
        for role in ROLES
    }
    assert answers == expected
    assert set(answers.values()) <= {403, 404}


def test_user_without_organisation_is_refused(client, db):
    from parcours.accounts.factories import UserFactory

    client.force_login(UserFactory(organisation=None))
    assert client.get(reverse("dashboard:home")).status_code == 403
