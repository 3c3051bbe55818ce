from django.conf import settings
from ninja.throttling import SimpleRateThrottle


class CallerRateThrottle(SimpleRateThrottle):
    """``API_THROTTLE_RATE`` requests per token, or per signed-in person for the
    browser, counted in the cache shared by the web workers."""

    scope = "api"

    def __init__(self):
        super().__init__(rate=settings.API_THROTTLE_RATE)

    def allow_request(self, request) -> bool:
        # The setting is read at each request, so that a change (or a test) applies.
        self.rate = settings.API_THROTTLE_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        caller = getattr(request, "auth", None)
        if caller is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": str(caller)}
