from django.forms.renderers import TemplatesSetting


class ParcoursFormRenderer(TemplatesSetting):
    """Renders every form with the project's accessible field markup."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
