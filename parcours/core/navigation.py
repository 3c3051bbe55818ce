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
    section: str  # the first segment of the URLs it covers, to mark the current entry


MENU = [
    MenuEntry("core:dashboard", _("Dashboard"), Capability.VIEW_DASHBOARD, ""),
    MenuEntry(
        "participants:participant_list",
        _("Participants"),
        Capability.VIEW_PARTICIPANTS,
        "participants",
    ),
    MenuEntry("programme:group_list", _("Groups"), Capability.VIEW_PROGRAMME, "programme"),
    MenuEntry("accounts:user_list", _("Users"), Capability.MANAGE_ORGANISATION, "accounts"),
    MenuEntry("audit:event_list", _("Audit trail"), Capability.VIEW_AUDIT, "audit"),
]


def menu_for(user, current_path: str) -> list[dict]:
    current_section = current_path.strip("/").split("/", 1)[0]
    return [
        {
            "url": reverse(entry.url_name),
            "label": entry.label,
            "current": entry.section == current_section,
        }
        for entry in MENU
        if user_can(user, entry.capability)
    ]
