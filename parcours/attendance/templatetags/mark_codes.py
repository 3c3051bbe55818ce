"""The marks of the month grids and sheets in the reader's language (MARK_CODES)."""

from django import template

from parcours.attendance.enums import Presence, mark_codes

register = template.Library()


@register.filter
def mark_code(status) -> str:
    """The code of a mark ("" when not marked)."""
    return mark_codes().get(status, "") if status else ""


@register.simple_tag
def mark_legend() -> list[tuple[str, str]]:
    """Each code with its label, in the order of the marks."""
    codes = mark_codes()
    return [(codes[presence], presence.label) for presence in Presence]
