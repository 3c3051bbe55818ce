"""The main menu: each entry shows only to the roles that may open it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parcours.accounts.access import Capability, user_can


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: Promise
    capability: Capability


MENU = [
    MenuEntry("dashboard:home", _("Dashboard"), Capability.VIEW_DASHBOARD),
    MenuEntry("participants:participant_list", _("Participants"), Capability.VIEW_PARTICIPANTS),
    MenuEntry("programme:group_list", _("Groups"), Capability.VIEW_PROGRAMME),
    MenuEntry("workshops:week", _("Programme"), Capability.VIEW_PROGRAMME),
    MenuEntry("attendance:register_list", _("Registers"), Capability.TAKE_ATTENDANCE),
    MenuEntry("attendance:hours", _("Workshop hours"), Capability.VIEW_FIGURES),
    MenuEntry("reporting:report", _("Reports"), Capability.VIEW_FIGURES),
    MenuEntry("funding:grant_list", _("Funding"), Capability.VIEW_FIGURES),
    MenuEntry("accounts:user_list", _("Users"), Capability.MANAGE_ORGANISATION),
    MenuEntry("workbook:home", _("Import and export"), Capability.MANAGE_ORGANISATION),
    MenuEntry("api:token_list", _("API tokens"), Capability.MANAGE_ORGANISATION),
    MenuEntry("audit:event_list", _("Audit trail"), Capability.VIEW_AUDIT),
    MenuEntry("reminders:log", _("Messages sent"), Capability.MANAGE_ORGANISATION),
    MenuEntry("privacy:queue", _("Retention"), Capability.MANAGE_RETENTION),
    MenuEntry("reporting:federation", _("Federation figures"), Capability.VIEW_FEDERATION_FIGURES),
]


def menu_for(user, current_path: str) -> list[dict]:
    entries = [
        {"url": reverse(entry.url_name), "label": entry.label}
        for entry in MENU
        if user_can(user, entry.capability)
    ]
    # The current entry is the one whose address is the longest start of the page's.
    matches = [
        entry["url"]
        for entry in entries
        if entry["url"] == current_path
        or (entry["url"] != "/" and current_path.startswith(entry["url"]))
    ]
    current = max(matches, key=len, default=None)
    return [{**entry, "current": entry["url"] == current} for entry in entries]
