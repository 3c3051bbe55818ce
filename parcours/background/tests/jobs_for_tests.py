"""Scheduled functions the tests put in a schedule of their own."""

CALLS = []


def count_call(organisation, today):
    CALLS.append((organisation.slug, today))
    return {"called": len(CALLS)}


def broken(organisation, today):
    raise RuntimeError(f"no mail server for {organisation.slug}")
