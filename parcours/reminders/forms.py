from django import forms

from parcours.reminders.models import DigestPreference


class DigestPreferenceForm(forms.ModelForm):
    class Meta:
        model = DigestPreference
        fields = ["frequency", "weekday"]
        widgets = {"frequency": forms.RadioSelect}
