"""Writing funders, grants and charges. A group's (or a session's) shares on grants that
run at the same time never exceed 100 %: that is what keeps an hour from being reported
to two funders."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from parcours.audit.services import create_record, delete_record, update_record
from parcours.funding.models import GroupCharge, SessionCharge

FULL = Decimal("100")


def _shares_elsewhere(charges, grant):
    """The shares of ``charges`` on other grants whose period overlaps ``grant``'s."""
    overlapping = charges.exclude(grant=grant).filter(
        grant__start_date__lte=grant.end_date, grant__end_date__gte=grant.start_date
    )
    return overlapping.aggregate(total=Sum("share"))["total"] or Decimal("0")


def _check_share(*, already, share, what):
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
def charge_group(*, group, grant, share, by):
    """Charge ``share`` % of ``group`` to ``grant`` (a new charge or a changed share)."""
    if group.organisation_id != grant.organisation_id:
        raise ValidationError(_("The group and the grant belong to different organisations."))
    # Lock the group's charges so two concurrent charges cannot exceed 100 % together.
    charges = GroupCharge.objects.select_for_update().filter(group=group)
    list(charges)
    already = _shares_elsewhere(GroupCharge.objects.filter(group=group), grant)
    _check_share(already=already, share=share, what=_("This group"))
    existing = charges.filter(grant=grant).first()
    if existing:
        return update_record(obj=existing, by=by, share=share)
    return create_record(obj=GroupCharge(group=group, grant=grant, share=share), by=by)


@transaction.atomic
def charge_session(*, session, grant, share, by):
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
        return update_record(obj=existing, by=by, share=share)
    return create_record(obj=SessionCharge(session=session, grant=grant, share=share), by=by)


def remove_charge(*, charge, by):
    delete_record(obj=charge, by=by)
