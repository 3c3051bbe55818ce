from parcours.participants.selectors import NamesShown


def names(request):
    """``names``: how the signed-in user sees people's names (read when first used)."""
    user = getattr(request, "user", None)
    return {"names": NamesShown(user)} if user is not None else {}
