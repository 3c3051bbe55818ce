from django import template
from django.utils.translation import gettext as _

from parcours.participants.niss import format_niss

register = template.Library()


@register.filter
def niss(digits):
    """85073003328 → 85.07.30-033.28."""
    return format_niss(digits or "")


@register.filter
def duration(minutes):
    """95 → "1 h 35", 45 → "45 min"."""
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)s min") % {"minutes": rest}
    return _("%(hours)s h %(minutes)02d") % {"hours": hours, "minutes": rest}
