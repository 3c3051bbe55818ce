"""The accessibility statement of Parcours (directive (EU) 2016/2102, art. 7), in the
sections of the model statement (Commission Implementing Decision (EU) 2018/1523) that
the Belgian supervisory bodies ask for: conformance status, non-accessible content, how
the statement was prepared, feedback and contact, enforcement procedure.

Where a complaint goes depends on the region the CPAS belongs to
(``settings.ACCESSIBILITY_REGION``); the address that receives reports of a problem is
``settings.ACCESSIBILITY_CONTACT_EMAIL``.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The self-assessment behind the statement (docs/accessibility.md); a new evaluation
# moves both dates.
PREPARED_ON = datetime.date(2026, 12, 3)
REVIEWED_ON = datetime.date(2026, 12, 7)
AXE_VERSION = "4.14.1"  # static/vendor/axe-core/README.md

KNOWN_GAPS = [
    _(
        "The PDF documents (reports, attendance sheets, projects, right of access) are tagged "
        "PDF/UA-1 with their language and title, but they have not been checked with a PDF/UA "
        "validator nor read with a screen reader: wide tables may be read in an awkward order."
    ),
    _(
        "Parcours has not yet been tried by people who use a screen reader, a magnifier or "
        "voice control: the checks so far are automated (axe-core) and made with the keyboard "
        "only."
    ),
    _(
        "A session closes 12 hours after sign-in whatever the activity, to protect the "
        "personal data: the page warns 2 minutes before, but this limit cannot be extended "
        "(success criterion 2.2.1, timing adjustable). The limit of 30 minutes without "
        "activity is announced beforehand and can be extended."
    ),
    _(
        "The spreadsheets exported and imported (.xlsx, .csv) and the e-mails sent (digests, "
        "reminders) have not been checked."
    ),
    _(
        "The documentation of the API, meant for the CPAS's developers, is shown by a "
        "third-party component (Swagger UI) that has not been checked."
    ),
]


@dataclass(frozen=True)
class Ombudsman:
    name: Promise
    url: str


# The body that handles the complaints about the accessibility of the websites of the
# local public bodies of each region (the decree of the Walloon Region of 2 May 2019, the
# Brussels ordinance of 4 October 2018, the Flemish governance decree of 7 December 2018).
OMBUDSMEN = {
    "wallonia": Ombudsman(
        _("Ombudsman of Wallonia and the Wallonia-Brussels Federation"),
        "https://www.le-mediateur.be",
    ),
    "brussels": Ombudsman(_("Brussels Ombudsman"), "https://www.ombudsman.brussels"),
    "flanders": Ombudsman(
        _("Flemish Ombudsman (Vlaamse Ombudsdienst)"), "https://www.vlaamseombudsdienst.be"
    ),
}
MONITORING_URL = "https://accessibility.belgium.be"


def statement() -> dict:
    """What the statement page shows."""
    return {
        "prepared_on": PREPARED_ON,
        "reviewed_on": REVIEWED_ON,
        "axe_version": AXE_VERSION,
        "known_gaps": KNOWN_GAPS,
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "ombudsman": OMBUDSMEN[settings.ACCESSIBILITY_REGION],
        "monitoring_url": MONITORING_URL,
    }


@checks.register()
def check_accessibility_region(app_configs, **kwargs):
    if settings.ACCESSIBILITY_REGION in OMBUDSMEN:
        return []
    return [
        checks.Error(
            f"ACCESSIBILITY_REGION is {settings.ACCESSIBILITY_REGION!r}.",
            hint=f"Choose one of {', '.join(sorted(OMBUDSMEN))}: the region of the CPAS, "
            "whose ombudsman receives the complaints about accessibility.",
            id="parcours.E002",
        )
    ]
