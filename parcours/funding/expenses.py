"""Writing a PAS grant's budget and expense ledger, with the subsidy's rules checked
before anything is written:

- only grants of a PAS funder have a ledger, and its parts' amounts add up to the grant;
- an expense falls in the grant's period and in its subsidy year (1 January to
  31 December of the year the grant starts);
- staff costs stay within 10 % of part A's amount and of part C's amount, each part on
  its own;
- goods used over more than a year are investments, which the subsidy does not pay for;
- the lines charged on one proof (invoice, ticket) of the organisation, on every grant,
  never exceed the proof's total: the same euro is never charged twice;
- a beneficiary is a person supported by the CPAS whose proof of that support is
  recorded in their file.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from parcours.audit.services import create_record, delete_record, update_record
from parcours.audit.versions import claim_version
from parcours.funding.enums import STAFF_CAPPED_PARTS, ExpenseCategory, FunderKind, PasPart
from parcours.funding.models import STAFF_CAP, Expense, PasBudget

CENT = Decimal("0.01")


def _euros(value) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def subsidy_year(grant) -> tuple[datetime.date, datetime.date]:
    """The days an expense of ``grant`` may fall on: its period within the calendar year
    it starts in (the PAS subsidy runs from 1 January to 31 December)."""
    year = grant.start_date.year
    return grant.start_date, min(grant.end_date, datetime.date(year, 12, 31))


def staff_cap(amount) -> Decimal:
    """The most a part capped for staff costs may spend on them."""
    return (amount * STAFF_CAP).quantize(CENT)


def check_is_pas(grant) -> None:
    if grant.funder.kind != FunderKind.PAS:
        raise ValidationError(
            _("Only the grants of a PAS funder have an expense ledger and a budget per part.")
        )


@transaction.atomic
def pas_budget_save(*, grant, by, amount_a, amount_b, amount_c, version=None) -> PasBudget:
    """Set how ``grant`` is split between parts A, B and C; the parts add up to the
    grant's amount, and no part falls below the staff costs already charged to it."""
    check_is_pas(grant)
    amounts = {"amount_a": amount_a, "amount_b": amount_b, "amount_c": amount_c}
    total = sum(amounts.values(), Decimal("0"))
    if total != grant.amount:
        raise ValidationError(
            _(
                "The three parts add up to %(total)s €, but the grant is of %(amount)s €: "
                "they must add up to the grant's amount."
            )
            % {"total": _euros(total), "amount": _euros(grant.amount)}
        )
    budget = PasBudget.objects.select_for_update().filter(grant=grant).first()
    for part in STAFF_CAPPED_PARTS:
        spent = _staff_spent(grant, part)
        cap = staff_cap(amounts[f"amount_{part.lower()}"])
        if spent > cap:
            raise ValidationError(
                {
                    f"amount_{part.lower()}": _(
                        "Staff costs of %(spent)s € are already charged to part %(part)s: "
                        "its amount must be at least ten times that."
                    )
                    % {"spent": _euros(spent), "part": part}
                }
            )
    if budget is None:
        return create_record(obj=PasBudget(grant=grant, **amounts), by=by)
    claim_version(budget, version)
    return update_record(obj=budget, by=by, **amounts)


def _staff_spent(grant, part, *, excluding=None) -> Decimal:
    rows = Expense.objects.filter(grant=grant, part=part, category=ExpenseCategory.STAFF)
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _check_date(expense, grant):
    first, last = subsidy_year(grant)
    if not first <= expense.date <= last:
        raise ValidationError(
            {
                "date": _(
                    "The date must fall within the grant's subsidy year, from %(first)s "
                    "to %(last)s."
                )
                % {
                    "first": date_format(first, "SHORT_DATE_FORMAT"),
                    "last": date_format(last, "SHORT_DATE_FORMAT"),
                }
            }
        )


def _check_beneficiary(expense, grant):
    person = expense.beneficiary
    if person is None:
        return
    if person.organisation_id != grant.organisation_id:
        raise ValidationError({"beneficiary": _("This person is not a participant here.")})
    if expense.part == PasPart.B:
        raise ValidationError(
            {
                "beneficiary": _(
                    "The collective modules (part B) are charged to a group or an activity, "
                    "not to one beneficiary."
                )
            }
        )
    if not person.cpas_proof_kind or person.cpas_proof_date is None:
        raise ValidationError(
            {
                "beneficiary": _(
                    "%(name)s has no proof of CPAS support recorded in their file: the PAS "
                    "subsidy only pays for people supported by the CPAS. Record the proof "
                    "in the participant's file first."
                )
                % {"name": person}
            }
        )


def _check_group(expense, grant):
    if expense.group is not None and expense.group.organisation_id != grant.organisation_id:
        raise ValidationError({"group": _("This group is not one of the organisation's.")})


def _check_staff_cap(expense, grant, budget):
    if expense.category != ExpenseCategory.STAFF or expense.part not in STAFF_CAPPED_PARTS:
        return
    cap = staff_cap(budget.amount_of(expense.part))
    already = _staff_spent(grant, expense.part, excluding=expense.pk)
    if already + expense.amount > cap:
        raise ValidationError(
            {
                "amount": _(
                    "Staff costs of part %(part)s may not exceed 10 %% of its amount, "
                    "%(cap)s €; %(already)s € are already charged, so at most %(left)s € "
                    "is left."
                )
                % {
                    "part": expense.part,
                    "cap": _euros(cap),
                    "already": _euros(already),
                    "left": _euros(max(cap - already, Decimal("0"))),
                }
            }
        )


def _check_proof(expense):
    """The lines on the same proof, on every grant of the organisation, stay within its
    total; the rows are locked so that two saves at once cannot both pass."""
    others = (
        Expense.objects.select_for_update()
        .filter(
            organisation_id=expense.organisation_id,
            proof_reference__iexact=expense.proof_reference,
        )
        .exclude(pk=expense.pk)
    )
    rows = list(others.values_list("amount", "proof_total"))
    totals = {total for _amount, total in rows}
    if totals and totals != {expense.proof_total}:
        raise ValidationError(
            {
                "proof_total": _(
                    "The proof %(reference)s is already recorded with a total of %(total)s €."
                )
                % {"reference": expense.proof_reference, "total": _euros(min(totals))}
            }
        )
    already = sum((amount for amount, _total in rows), Decimal("0"))
    if already + expense.amount > expense.proof_total:
        raise ValidationError(
            {
                "amount": _(
                    "%(already)s € of the proof %(reference)s (total %(total)s €) are already "
                    "charged, on this grant or another: at most %(left)s € is left. The same "
                    "euro cannot be charged twice."
                )
                % {
                    "already": _euros(already),
                    "reference": expense.proof_reference,
                    "total": _euros(expense.proof_total),
                    "left": _euros(max(expense.proof_total - already, Decimal("0"))),
                }
            }
        )


def _check(expense, *, used_over_a_year):
    grant = expense.grant
    check_is_pas(grant)
    if expense.organisation_id != grant.organisation_id:
        raise ValidationError(_("The expense and the grant belong to different organisations."))
    if used_over_a_year:
        raise ValidationError(
            {
                "used_over_a_year": _(
                    "Goods used over more than a year are an investment: the PAS subsidy "
                    "does not pay for investments. Do not charge this expense to the grant."
                )
            }
        )
    if expense.amount is None or expense.amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    expense.proof_reference = (expense.proof_reference or "").strip()
    expense.activity = (expense.activity or "").strip()
    _check_date(expense, grant)
    _check_beneficiary(expense, grant)
    _check_group(expense, grant)
    # Lock the budget: two staff costs saved at once cannot pass the cap together.
    budget = PasBudget.objects.select_for_update().filter(grant=grant).first()
    if budget is None:
        raise ValidationError(
            _("Give the amounts of parts A, B and C of the grant before its expenses.")
        )
    _check_staff_cap(expense, grant, budget)
    _check_proof(expense)


@transaction.atomic
def expense_save(*, expense, by, used_over_a_year=False, version=None) -> Expense:
    """Create ``expense`` or save its changes once the subsidy's rules pass; nothing is
    written otherwise (``ValidationError`` with the rule's message, ``StaleVersion``)."""
    _check(expense, used_over_a_year=used_over_a_year)
    if expense.pk is None:
        return create_record(obj=expense, by=by)
    claim_version(expense, version)
    return update_record(obj=expense, by=by)


@transaction.atomic
def expense_delete(*, expense, by) -> None:
    delete_record(obj=expense, by=by)
