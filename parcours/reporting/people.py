"""The people behind a count of the report (the drill-down), built on the same querysets
and conditions as the figures, so that a list always has exactly as many rows as its
count. Only for the roles that see social data; the caller checks it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parcours.core.domains import Domain
from parcours.participants.enums import ConsentPurpose
from parcours.participants.models import Participant
from parcours.programme.enums import DropoutReason, ExitOutcome
from parcours.reporting.esf import drilldown_titles as esf_drilldown_titles
from parcours.reporting.esf import esf_people
from parcours.reporting.figures import (
    DOMAINS,
    Period,
    change_conditions,
    characterised_participants,
    characteristic_conditions,
    dropout_reason_condition,
    exits_of,
    rated_completed_exits,
)

CHARACTERISTIC_LABELS = {
    "men": _("Men"),
    "women": _("Women"),
    "x": _("Gender X"),
    "non_eu": _("Born outside the European Union"),
    "no_qualification": _("No qualification valued on the labour market"),
    "inactive_24m": _("Inactive for more than 24 months"),
    "french_weak_to_medium": _("French very weak to medium"),
    "fle": _("Following FLE classes"),
    "literacy": _("Following literacy classes"),
}
CHANGE_LABELS = {
    "rated": _("rated at entry and end"),
    "improved": _("improved"),
    "deteriorated": _("went down"),
    "not_rated": _("not rated at both moments"),
}


@dataclass(frozen=True)
class Drilldown:
    """What a drill-down key names: its title and whether it lists people or exits."""

    key: str
    title: str
    lists_exits: bool


def drilldown_keys() -> dict[str, Drilldown]:
    keys = {"participants": Drilldown("participants", _("Participants of the year"), False)}
    for key, label in CHARACTERISTIC_LABELS.items():
        keys[key] = Drilldown(key, label, False)
    keys["exits"] = Drilldown("exits", _("Exits of the year"), True)
    for outcome in ExitOutcome:
        keys[f"outcome:{outcome.value}"] = Drilldown(
            f"outcome:{outcome.value}", outcome.label, True
        )
    for reason in DropoutReason:
        key = f"dropout:{reason.value}"
        keys[key] = Drilldown(key, _("Dropout: %(reason)s") % {"reason": reason.label}, True)
    keys["completed"] = Drilldown("completed", _("Completed exits"), True)
    for domain in Domain:
        for change, label in CHANGE_LABELS.items():
            key = f"{change}:{domain.value}"
            keys[key] = Drilldown(key, f"{domain.label}: {label}", True)
    for key, title in esf_drilldown_titles().items():
        keys[key] = Drilldown(key, title, False)
    return keys


def left_out_message(count: int) -> str:
    """What a list of people says about those left out of it (empty when nobody is)."""
    if not count:
        return ""
    return ngettext(
        "%(count)s person is left out because they withdrew their consent to reporting.",
        "%(count)s people are left out because they withdrew their consent to reporting.",
        count,
    ) % {"count": count}


def listed_and_left_out(rows, *, lists_exits: bool):
    """The rows of a drill-down that may be listed, and how many people are left out.

    A person who withdrew their consent to reporting still counts in the figures (they
    are anonymous there) but is never named in a list (``having_withdrawn``); an exit
    list leaves out their exits, and counts the people."""
    if lists_exits:
        withdrawn = Participant.objects.having_withdrawn(ConsentPurpose.REPORTING).filter(
            pk__in=rows.values("participant_id")
        )
        listed = rows.exclude(participant__in=withdrawn.values("pk"))
    else:
        withdrawn = rows.having_withdrawn(ConsentPurpose.REPORTING)
        listed = rows.without_withdrawn(ConsentPurpose.REPORTING)
    return listed, withdrawn.count()


def people_behind(organisation, key: str, period: Period, scope):
    """The participants (for characteristics) or the exits (enrolments, for results and
    improvement) behind the count ``key``; ``None`` when the key names no count."""
    if key == "participants":
        return characterised_participants(organisation, period, scope)
    if key.startswith("esf:"):
        return esf_people(organisation, key, period, scope)
    if key in CHARACTERISTIC_LABELS:
        condition = characteristic_conditions(period)[key]
        return characterised_participants(organisation, period, scope).filter(condition)
    exits = exits_of(organisation, period, scope).select_related("participant", "group")
    if key == "exits":
        return exits
    kind, _sep, value = key.partition(":")
    if kind == "outcome" and value in ExitOutcome.values:
        return exits.filter(outcome=value)
    if kind == "dropout" and value in DropoutReason.values:
        return exits.filter(dropout_reason_condition(value))
    completed = rated_completed_exits(exits, period.as_of)
    if key == "completed":
        return completed
    if kind in CHANGE_LABELS and value in DOMAINS:
        return completed.filter(change_conditions(value)[kind])
    return None
