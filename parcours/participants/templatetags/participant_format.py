from django import template
from django.utils import translation
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


@register.filter
def shown_to(participant, names):
    """The person's name as ``names`` (``selectors.NamesShown``) lets the user see it."""
    return names.name(participant)


@register.filter
def listed_name(participant, names):
    """The person as a register or a sheet lists them ("DUPONT Marie", as everywhere):
    an anonymised file as such, and a name ``names`` hides as its neutral label. The
    grant pack's sheets list pseudonymous stand-ins, which have names but no
    anonymisation."""
    if getattr(participant, "anonymised_on", None):
        return str(participant)
    if names.shows(participant):
        return getattr(participant, "display_name", None) or str(participant)
    return names.name(participant)


@register.filter
def name_shown(participant, names):
    """Whether ``names`` shows the person's name (and so may link to their file)."""
    return names.shows(participant)


@register.filter
def photo_shown_to(participant, names):
    """Whether the user may see the person's photo: only where they may see the name."""
    return bool(participant.photo) and names.shows(participant)


@register.filter
def in_sentence(text):
    """Words of a date inside a sentence: "du lundi 9 mars", "van maandag 9 maart", where
    days and months take no capital, but "from Monday 9 March" in English."""
    text = str(text)
    if translation.get_language().startswith("en"):
        return text
    return text[:1].lower() + text[1:]
