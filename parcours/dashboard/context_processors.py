from django.conf import settings

from parcours.dashboard.navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "languages": settings.LANGUAGES}
    return {"menu": menu_for(user, request.path), "languages": settings.LANGUAGES}
