"""The search and filters of the participant list."""

import re

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from parcours.accounts.enums import Role
from parcours.accounts.models import User
from parcours.core.forms import IdChoiceField
from parcours.participants.enums import ParticipantStatus
from parcours.participants.search import normalise
from parcours.programme.enums import ProcessType
from parcours.programme.forms import GroupSearchField
from parcours.programme.models import Enrolment, Group
from parcours.programme.selectors import visible_groups

# A number typed with its usual punctuation: "85.07.30-033.28", "2024/015", "85 07 30".
_NUMBER = re.compile(r"[\d\s./-]*\d[\d\s./-]*")

# The orders offered, and how each sorts; the primary key keeps pages stable.
SORTS = {
    "name": ("last_name", "first_name", "pk"),
    "-name": ("-last_name", "-first_name", "-pk"),
    "reference": ("reference", "pk"),
    "-reference": ("-reference", "-pk"),
    "birth_date": ("birth_date", "pk"),
    "-birth_date": ("-birth_date", "-pk"),
    "-created_at": ("-created_at", "-pk"),
    "created_at": ("created_at", "pk"),
}
DEFAULT_SORT = "name"
SORT_CHOICES = [
    ("name", _("Name (A to Z)")),
    ("-name", _("Name (Z to A)")),
    ("reference", _("File reference (ascending)")),
    ("-reference", _("File reference (descending)")),
    ("birth_date", _("Oldest first")),
    ("-birth_date", _("Youngest first")),
    ("-created_at", _("Most recent files first")),
    ("created_at", _("Oldest files first")),
]


def search(participants, text: str):
    """Names, file reference and national number, whatever the accents, the case and the
    punctuation.

    Words go through ``matching`` (each must be found). A number typed with dots, dashes
    or spaces ("85.07.30-033.28") is also looked for as its bare digits, the way the
    national number is stored, or as the same groups in a row (a reference "2024-015")."""
    text = (text or "").strip()
    if not text:
        return participants
    if _NUMBER.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        return participants.filter(
            Q(search_text__contains=digits) | Q(search_text__contains=normalise(text))
        )
    return participants.matching(text)


def with_status(participants, status: str):
    """Filter on the status without computing it for every row: an enrolment still open
    (active), only closed ones (exited), none yet (candidate)."""
    enrolments = Enrolment.objects.filter(participant=OuterRef("pk"))
    open_enrolments = enrolments.filter(exit_date__isnull=True)
    if status == ParticipantStatus.ACTIVE:
        return participants.filter(Exists(open_enrolments))
    if status == ParticipantStatus.EXITED:
        return participants.filter(Exists(enrolments), ~Exists(open_enrolments))
    if status == ParticipantStatus.CANDIDATE:
        return participants.filter(~Exists(enrolments))
    return participants


class ParticipantFilterForm(forms.Form):
    """Read from the query string; a value that does not fit is shown as an error and its
    filter ignored, the others still apply."""

    q = forms.CharField(
        label=_("Name, file or national number"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    group = GroupSearchField(label=_("Group"), queryset=Group.objects.none(), required=False)
    process_type = forms.ChoiceField(
        label=_("Process"),
        required=False,
        choices=[("", _("All processes")), *ProcessType.choices],
    )
    social_worker = IdChoiceField(
        label=_("Social worker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Everyone"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ParticipantStatus.choices],
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        # The groups the search offers (programme:group_search): a leader's own groups.
        self.fields["group"].queryset = visible_groups(user)
        if user.role == Role.WORKSHOP_LEADER:
            # A leader only follows the people of their own groups, and not their social
            # worker.
            del self.fields["social_worker"]
        else:
            self.fields["social_worker"].queryset = User.objects.in_organisation(
                user.organisation_id
            ).filter(role__in=[Role.SOCIAL_WORKER, Role.COORDINATOR])

    def value(self, name):
        """The cleaned value of a filter, or None when absent or invalid."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None

    @property
    def sort_key(self) -> str:
        return self.value("sort") or DEFAULT_SORT

    def apply(self, participants):
        """The participants that match every valid filter, in the chosen order."""
        participants = search(participants, self.value("q") or "")
        group = self.value("group")
        if group is not None:
            participants = participants.filter(
                Exists(Enrolment.objects.filter(participant=OuterRef("pk"), group=group))
            )
        process_type = self.value("process_type")
        if process_type:
            participants = participants.filter(
                Exists(
                    Enrolment.objects.filter(
                        participant=OuterRef("pk"), group__process_type=process_type
                    )
                )
            )
        social_worker = self.value("social_worker") if "social_worker" in self.fields else None
        if social_worker is not None:
            participants = participants.filter(social_worker=social_worker)
        status = self.value("status")
        if status:
            participants = with_status(participants, status)
        return participants.order_by(*SORTS[self.sort_key])
