from decimal import Decimal
from typing import Any

from django import forms
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import Organisation
from parcours.core.forms import VersionedForm, record_choice
from parcours.core.widgets import SearchChoiceField
from parcours.funding.logos import reencoded_logo
from parcours.funding.models import (
    SHARE_VALIDATORS,
    Expense,
    Funder,
    Grant,
    GroupCharge,
    PasBudget,
    SessionCharge,
)
from parcours.participants.forms import ParticipantSearchField
from parcours.participants.models import Participant
from parcours.programme.forms import GroupSearchField
from parcours.programme.models import Group
from parcours.workshops.models import Session

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FunderForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Funder
        fields = ["name", "kind", "needs_names", "logo"]
        # No link to the stored file: no URL serves MEDIA_ROOT.
        widgets = {"logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        if self.instance.logo:
            self.fields["logo"].help_text = _(
                "A logo is on file: give another to replace it. PNG, JPEG or WebP, 2 MB at most."
            )
            self.fields["remove_logo"] = forms.BooleanField(
                label=_("Remove the logo"), required=False
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Funder.objects.filter(organisation=self.organisation, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another funder already has this name."))
        return name

    def clean_logo(self) -> File | bool | None:
        """A new logo re-encoded (``funding.logos``); False to remove it; the stored one
        otherwise."""
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return reencoded_logo(logo)
        if self.data.get("remove_logo") and "remove_logo" in self.fields:
            return False
        return logo


class GrantForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Grant
        fields = ["funder", "name", "start_date", "end_date", "amount"]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}
        help_texts = {
            "start_date": _("First day of the period the grant pays for."),
            "end_date": _("Last day of the period the grant pays for."),
            "amount": _("The amount granted, for the record; it does not change the figures."),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        record_choice(self, "funder").queryset = Funder.objects.filter(organisation=organisation)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Grant.objects.filter(organisation=self.organisation, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another grant already has this name."))
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The grant cannot end before it starts."))
        return cleaned


def _share_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal("100"),
        validators=SHARE_VALIDATORS,
        help_text=_("The part of its hours charged to this grant, from 0.01 to 100."),
    )


class GroupChargeForm(forms.Form):
    group = GroupSearchField(label=_("Group"), queryset=Group.objects.none())
    share = _share_field()

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_choice(self, "group").queryset = Group.objects.filter(
            organisation=organisation
        ).order_by("-start_date", "name")


def session_label(session: Session) -> str:
    """A session as a search offers it: when, the workshop and its groups."""
    groups = ", ".join(group.name for group in session.groups.all())
    return f"{session.date:%d/%m/%Y} {session.start_time:%H:%M} · {session.workshop} · {groups}"


def chargeable_sessions(grant: Grant) -> QuerySet[Session]:
    """The sessions a grant may be charged with on their own: those held in its period."""
    return (
        Session.objects.held()
        .filter(organisation_id=grant.organisation_id)
        .between(grant.start_date, grant.end_date)
        .select_related("workshop")
        .prefetch_related("groups")
        .order_by("date", "start_time")
    )


class SessionSearchField(SearchChoiceField):
    """A session picked by searching its workshop or group (funding:session_search)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(url_name="funding:session_search", **kwargs)

    def label_from_instance(self, session: Session) -> str:
        return session_label(session)


class SessionChargeForm(forms.Form):
    session = SessionSearchField(
        label=_("Session"),
        queryset=Session.objects.none(),
        help_text=_(
            "A session charged on its own no longer follows its groups' charges: charge "
            "it to every grant that pays for it."
        ),
    )
    share = _share_field()

    def __init__(self, *args: Any, grant: Grant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_choice(self, "session").queryset = chargeable_sessions(grant)
        self.fields["session"].widget.params = {"grant": grant.pk}


class ShareForm(VersionedForm, forms.Form):
    share = _share_field()

    def __init__(self, *args: Any, charge: GroupCharge | SessionCharge, **kwargs: Any) -> None:
        super().__init__(*args, initial={"share": charge.share}, **kwargs)
        self.add_version(charge)


class PasBudgetForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = PasBudget
        fields = ["amount_a", "amount_b", "amount_c"]
        help_texts = {
            "amount_a": _("Staff costs of this part may reach a tenth of its amount."),
            "amount_c": _("Staff costs of this part may reach a tenth of its amount."),
        }


class ExpenseForm(VersionedForm, forms.ModelForm):
    """A line of the ledger. The rules that need the other lines (staff cap, the proof's
    total) are the service's; the form checks what one line can say on its own."""

    used_over_a_year = forms.BooleanField(
        label=_("Used over more than a year"),
        required=False,
        help_text=_(
            "Tick it for goods that will be used over more than a year (furniture, a "
            "computer kept by the CPAS...): those are investments, which PAS does not fund."
        ),
    )

    class Meta:
        model = Expense
        fields = [
            "date",
            "part",
            "category",
            "amount",
            "beneficiary",
            "group",
            "activity",
            "proof_reference",
            "proof_total",
        ]
        field_classes = {"beneficiary": ParticipantSearchField, "group": GroupSearchField}
        widgets = {"date": DATE_INPUT}
        help_texts = {
            "beneficiary": _(
                "For parts A and C: a participant whose proof of CPAS support is recorded."
            ),
            "group": _("For part B: the collective module the expense is for."),
        }

    def __init__(self, *args: Any, grant: Grant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grant = grant
        self.instance.grant = grant
        self.instance.organisation_id = grant.organisation_id
        record_choice(self, "beneficiary").queryset = Participant.objects.filter(
            organisation_id=grant.organisation_id, anonymised_on__isnull=True
        ).order_by("last_name", "first_name", "pk")
        record_choice(self, "group").queryset = Group.objects.filter(
            organisation_id=grant.organisation_id
        ).order_by("-start_date", "name")

    def clean_amount(self) -> Decimal | None:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("The amount must be more than zero."))
        return amount

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("used_over_a_year"):
            self.add_error(
                "used_over_a_year",
                _(
                    "Goods used over more than a year are an investment: the PAS subsidy "
                    "does not pay for investments. Do not charge this expense to the grant."
                ),
            )
        amount, total = cleaned.get("amount"), cleaned.get("proof_total")
        if amount is not None and total is not None and amount > total:
            self.add_error("amount", _("The amount charged cannot exceed the total of the proof."))
        return cleaned
