"""The language of the API's answers: the one the request asks for in
``Accept-Language`` when Parcours speaks it (a program says what it wants), else the
person's own."""

from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header


def api_language(request, user=None) -> str:
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    available = {code for code, _name in settings.LANGUAGES}
    if user is not None and getattr(user, "language", None) in available:
        return user.language
    return settings.LANGUAGE_CODE
