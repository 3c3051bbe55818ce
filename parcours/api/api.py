"""The REST API, version 1 (docs/api.md): one NinjaAPI, its routers, its errors, and the
ETag of every read."""

import hashlib

from django.http import HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from parcours.api import errors
from parcours.api.auth import SessionAuth, TokenAuth
from parcours.api.casework import casework
from parcours.api.funding import funding
from parcours.api.reports import reports
from parcours.api.resources import attendance, participants, programme, workshops
from parcours.api.throttling import CallerRateThrottle

READ_METHODS = ("GET", "HEAD")


def _matches(etag: str, if_none_match: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    # Weak comparison (RFC 9110, 13.1.2): W/"x" matches "x".
    return etag in {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}


class ParcoursAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        patch_vary_headers(response, ("Authorization", "Accept-Language"))
        if request.method not in READ_METHODS or response.status_code != 200:
            return response
        # The body's hash: the same answer to the same person has the same tag, whatever
        # changed elsewhere; a program asking again with If-None-Match gets a 304.
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        if _matches(etag, request.headers.get("If-None-Match", "")):
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            patch_vary_headers(not_modified, ("Authorization", "Accept-Language"))
            return not_modified
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Errors are answered as problem details, under their own media type.
        for operations in schema["paths"].values():
            for operation in operations.values():
                for code, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(code) >= 400 and "application/json" in content:
                        answer["content"] = {
                            errors.PROBLEM_MEDIA_TYPE: content.pop("application/json")
                        }
        return schema


api = ParcoursAPI(
    title="Parcours API",
    version="v1",
    description="The programme's records for the CPAS's other systems (docs/api.md).",
    urls_namespace="api:v1",
    auth=[TokenAuth(), SessionAuth()],
    throttle=[CallerRateThrottle()],
    docs=Swagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for router in (participants, programme, workshops, attendance, casework, reports, funding):
    api.add_router("", router)
