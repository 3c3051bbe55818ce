from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.forms.renderers import TemplatesSetting

from parcours.audit.versions import stale_message

# The ids the databases can hold (64-bit signed integers): a larger number typed into a
# form or a link matches no record, but SQLite's driver fails on it before the query.
ID_MAX = 2**63 - 1


class ParcoursFormRenderer(TemplatesSetting):
    """Renders every form with the project's accessible field markup."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def _is_possible_id(value: object) -> bool:
    try:
        return 0 < int(str(value)) <= ID_MAX
    except ValueError:
        return False


def record_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field ``name``, a choice of records (one or several): Django types a
    form's fields as plain ``Field``s, which have no queryset."""
    return cast(forms.ModelChoiceField, form.fields[name])


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, a choice: Django types a form's fields as plain
    ``Field``s, which have no choices."""
    return cast(forms.ChoiceField, form.fields[name])


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one record by id: an id no database can hold is an invalid choice."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and self.to_field_name is None
            and not _is_possible_id(value)
        ):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of records by id: an id no database can hold is an invalid choice."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if not _is_possible_id(pk):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


if TYPE_CHECKING:
    # The mixins below are mixed into forms: the type checker reads them as forms.
    FormMixin = forms.BaseForm
else:
    FormMixin = object


class VersionedForm(FormMixin):
    """A mixin for the form that edits a record: it carries the record's version as it
    was when the form was opened, and when the update service finds that version gone
    (``parcours.audit.versions.StaleVersion``) the form is given back with what the other
    person saved, the person's own input kept and the current version, so that saving
    again on purpose goes through."""

    def add_version(self, record) -> None:
        """Call from ``__init__`` with the record edited (a ModelForm does it for its
        instance)."""
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, min_value=1, max_value=ID_MAX, initial=record.version
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and hasattr(instance, "version"):
            self.add_version(instance)

    def refuse_stale(self, current) -> None:
        """Show what is stored now beside the person's input, with the current version."""
        # Bound to request.POST (a QueryDict) or a dict: both copy themselves.
        data = self.data.copy()  # type: ignore[attr-defined]
        data[self.add_prefix("version")] = str(current.version)
        self.data = data
        self.add_error(None, stale_message(self, current))


def model_values(form: forms.ModelForm, *extra: str) -> dict[str, Any]:
    """The cleaned values of a ModelForm's model fields, and of the ``extra`` fields, as
    keyword arguments for a service; the version too when the form carries one."""
    # Every ModelForm of the project lists its fields (never None nor "__all__").
    names = [*form._meta.fields, *extra]  # type: ignore[misc]
    if "version" in form.fields:
        names.append("version")
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
