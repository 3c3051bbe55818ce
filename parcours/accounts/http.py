"""The request a view behind ``@requires`` receives, as the type checker should see it.

Django types ``request.user`` as a user or an anonymous visitor, and knows nothing of
``request.htmx``. Behind ``@requires`` the user is signed in (``user_can`` refuses an
anonymous visitor for every capability but the public one), and ``HtmxMiddleware`` gives
every request its ``htmx`` details. A public view takes a plain ``HttpRequest``.

It lives with the accounts, not in ``core``: it names the user model, and the kernel
imports no app.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from parcours.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
