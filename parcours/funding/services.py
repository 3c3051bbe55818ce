"""Writing funders, grants and charges. A group's (or a session's) shares on grants that
run at the same time never exceed 100 %: that is what keeps an hour from being reported
to two funders."""

from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from parcours.accounts.models import Organisation, User
from parcours.audit.services import create_record, delete_record, update_record
from parcours.audit.versions import claim_version
from parcours.core.models import Versioned
from parcours.funding.expenses import subsidy_year
from parcours.funding.models import Expense, Funder, Grant, GroupCharge, SessionCharge
from parcours.programme.models import Group
from parcours.workshops.models import Session

FULL = Decimal("100")


def _shares_elsewhere(
    charges: QuerySet[GroupCharge] | QuerySet[SessionCharge], grant: Grant
) -> Decimal:
    """The largest total share of ``charges`` on other grants on any one day of
    ``grant``'s period.

    Summing every overlapping grant would refuse valid plans: a grant for the year next
    to two half-year grants that do not overlap each other. The total on a day only
    changes where a grant starts, so the days to look at are the start of ``grant`` and
    the starts of the other grants within its period.
    """
    overlapping = list(
        charges.exclude(grant=grant)
        .filter(grant__start_date__lte=grant.end_date, grant__end_date__gte=grant.start_date)
        .values_list("grant__start_date", "grant__end_date", "share")
    )
    days = {grant.start_date} | {start for start, _end, _share in overlapping}
    days = {day for day in days if grant.start_date <= day <= grant.end_date}
    return max(
        (
            sum((share for start, end, share in overlapping if start <= day <= end), Decimal("0"))
            for day in days
        ),
        default=Decimal("0"),
    )


def _check_share(*, already: Decimal, share: Decimal, what: str) -> None:
    if already + share > FULL:
        raise ValidationError(
            {
                "share": _(
                    "%(what)s is already charged %(already)s %% to grants of the same period: "
                    "at most %(left)s %% is left."
                )
                % {"what": what, "already": already, "left": FULL - already}
            }
        )


@transaction.atomic
def funder_create(
    *, organisation: Organisation, by: User, logo: File | None = None, **fields: Any
) -> Funder:
    funder = Funder(organisation=organisation, **fields)
    if logo:
        # Stored under a name of its own (``logo_path``), whatever the upload's.
        funder.logo.save(logo.name or "", logo, save=False)
    return create_record(obj=funder, by=by)


@transaction.atomic
def funder_update(
    *,
    funder: Funder,
    by: User,
    version: int | None = None,
    logo: File | Literal[False] | None = None,
    **fields: Any,
) -> Funder:
    """Save the funder's fields; ``logo`` is a new logo (``funding.logos``), False to
    remove it, or the stored one (None too) to keep it."""
    claim_version(funder, version)
    old = Funder.objects.filter(pk=funder.pk).values_list("logo", flat=True).get()
    if logo is False:
        fields["logo"] = ""
    elif logo and not isinstance(logo, FieldFile):
        funder.logo.save(logo.name or "", logo, save=False)
        fields["logo"] = funder.logo.name
    else:
        fields["logo"] = old
    updated = update_record(obj=funder, by=by, **fields)
    if old and old != updated.logo.name:
        storage = funder.logo.storage
        # Once the database no longer names the file: a rolled-back change keeps it.
        transaction.on_commit(lambda: storage.delete(old))
    return updated


def _save_share[C: Versioned](existing: C, *, share: Decimal, version: int | None, by: User) -> C:
    claim_version(existing, version)
    return update_record(obj=existing, by=by, share=share)


@transaction.atomic
def charge_group(
    *, group: Group, grant: Grant, share: Decimal, by: User, version: int | None = None
) -> GroupCharge:
    """Charge ``share`` % of ``group`` to ``grant`` (a new charge or a changed share; the
    change of an existing charge is refused when ``version`` is no longer its own)."""
    if group.organisation_id != grant.organisation_id:
        raise ValidationError(_("The group and the grant belong to different organisations."))
    # Lock the group's charges so two concurrent charges cannot exceed 100 % together.
    charges = GroupCharge.objects.select_for_update().filter(group=group)
    list(charges)
    already = _shares_elsewhere(GroupCharge.objects.filter(group=group), grant)
    _check_share(already=already, share=share, what=_("This group"))
    existing = charges.filter(grant=grant).first()
    if existing:
        return _save_share(existing, share=share, version=version, by=by)
    return create_record(obj=GroupCharge(group=group, grant=grant, share=share), by=by)


@transaction.atomic
def charge_session(
    *, session: Session, grant: Grant, share: Decimal, by: User, version: int | None = None
) -> SessionCharge:
    """Charge ``share`` % of ``session`` to ``grant``; the session then stops following its
    groups' charges."""
    if session.organisation_id != grant.organisation_id:
        raise ValidationError(_("The session and the grant belong to different organisations."))
    if not grant.start_date <= session.date <= grant.end_date:
        raise ValidationError(_("The grant does not cover the date of this session."))
    charges = SessionCharge.objects.select_for_update().filter(session=session)
    list(charges)
    already = _shares_elsewhere(SessionCharge.objects.filter(session=session), grant)
    _check_share(already=already, share=share, what=_("This session"))
    existing = charges.filter(grant=grant).first()
    if existing:
        return _save_share(existing, share=share, version=version, by=by)
    return create_record(obj=SessionCharge(session=session, grant=grant, share=share), by=by)


@transaction.atomic
def remove_charge(*, charge: GroupCharge | SessionCharge, by: User) -> None:
    delete_record(obj=charge, by=by)


@transaction.atomic
def save_grant(*, grant: Grant, by: User, version: int | None = None) -> Grant:
    """Create ``grant`` or save its changes. A changed period must still cover the sessions
    charged to it and the expenses of its ledger, and keep its groups' shares within
    100 % on any day; a change is refused when ``version`` is no longer the grant's
    (``StaleVersion``)."""
    if grant.pk is None:
        return create_record(obj=grant, by=by)
    claim_version(grant, version)
    outside = SessionCharge.objects.filter(grant=grant).exclude(
        session__date__gte=grant.start_date, session__date__lte=grant.end_date
    )
    if outside.exists():
        raise ValidationError(
            _(
                "Sessions charged to this grant fall outside the new period: remove their "
                "charges first."
            )
        )
    first, last = subsidy_year(grant)
    if Expense.objects.filter(grant=grant).exclude(date__gte=first, date__lte=last).exists():
        raise ValidationError(
            _(
                "Expenses of this grant fall outside the new period's subsidy year: change "
                "or remove them first."
            )
        )
    for charge in GroupCharge.objects.filter(grant=grant).select_related("group"):
        already = _shares_elsewhere(GroupCharge.objects.filter(group=charge.group), grant)
        if already + charge.share > FULL:
            raise ValidationError(
                _(
                    "With this period, the group %(group)s would be charged more than 100 %% "
                    "on some days (%(already)s %% to other grants, %(share)s %% to this one)."
                )
                % {"group": charge.group.name, "already": already, "share": charge.share}
            )
    return update_record(obj=grant, by=by)
