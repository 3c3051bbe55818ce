"""The request a view behind ``@requires`` receives, as the type checker should see it.

Django types ``request.user`` as a user or an anonymous visitor, and knows nothing of
``request.htmx``. Behind ``@requires`` the user is signed in (``user_can`` refuses an
anonymous visitor for every capability but the public one), and ``HtmxMiddleware`` gives
every request its ``htmx`` details. A public view takes a plain ``HttpRequest``.

Behind a capability of the organisation's (every one but ``OWN_ACCOUNT`` and the
federation's), the user also has an organisation: ``user_can`` refuses one without.
Those views take an ``OrganisationRequest``, whose user's ``organisation`` is never None.

It lives with the accounts, not in ``core``: it names the user model, and the kernel
imports no app.
"""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from parcours.accounts.models import Organisation, User

if TYPE_CHECKING:

    class OrganisationUser(User):
        """A user of one organisation, for the type checker only (no such model)."""

        organisation: Organisation
        organisation_id: int


class AuthenticatedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


class OrganisationRequest(AuthenticatedRequest):
    user: "OrganisationUser"
