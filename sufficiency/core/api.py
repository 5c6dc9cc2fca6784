"""Base classes of the partner API (/api/v1/): who may read what, applied once, here (docs/architecture.md principle 2).

Every endpoint declares a *capability*: what kind of data it serves. A capability names both the API
token scope that grants it and the membership roles that grant it to a signed-in person, so a token and a
browser session go through the same check:

| capability       | token scope      | roles (sessions)                          | serves                              |
|------------------|------------------|-------------------------------------------|-------------------------------------|
| CHILD_LEVEL      | `read:child`     | CHILD_LEVEL_ROLES                         | children, episodes, requests        |
| AGGREGATE        | `read:aggregate` | DASHBOARD_ROLES                           | own and regional aggregates         |
| IMPORT           | `write:import`   | IMPORT_ROLES                              | imports and their error reports     |
| (None)           | any token        | any signed-in person                      | shared reference data               |

An API token belongs to exactly one authority: it acts for that authority only, and only for the
capabilities its scopes grant. `AuthorityScopedViewSet.get_queryset()` filters every queryset to the
authorities the caller may act for with the view's capability, so another authority's record is simply
absent (404) and nothing is remembered per view.

Also here: cursor pagination, per-client throttling, the single error body, ETags on reads, and the schema
class that documents the error responses of every operation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from sufficiency.authorities.permissions import (
    CHILD_LEVEL_ROLES,
    DASHBOARD_ROLES,
    IMPORT_ROLES,
    authority_ids_for,
)

from .bounds import BoundedDateField

# --- capabilities ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Capability:
    """A kind of data an endpoint serves, granted to tokens by `scope` and to people by `roles`."""

    scope: str
    roles: frozenset[str]
    description: str


CHILD_LEVEL = Capability(
    "read:child", frozenset(CHILD_LEVEL_ROLES), "child-level records of the own authority"
)
AGGREGATE = Capability(
    "read:aggregate", frozenset(DASHBOARD_ROLES), "aggregates: own in full, regional suppressed"
)
IMPORT = Capability("write:import", frozenset(IMPORT_ROLES), "upload data files and read import jobs")
CAPABILITIES = (CHILD_LEVEL, AGGREGATE, IMPORT)
SCOPES = tuple(c.scope for c in CAPABILITIES)


@runtime_checkable
class ScopedCredential(Protocol):
    """What the API needs from a token (`request.auth`): its authority and scopes. `sufficiency.api`'s
    ApiClient implements it; `sufficiency.core` does not import that app (dependencies point one way)."""

    pk: Any
    authority_id: int
    scopes: list[str]
    throttle_rate: str

    def pseudonym(self, authority_code: str, child_ref: str) -> str: ...


def credential_of(request: Any) -> ScopedCredential | None:
    """The API token the request was made with, or None for a browser session."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ScopedCredential) else None


def api_authority_ids(request: Any, capability: Capability) -> list[int]:
    """The authorities the caller may act for with `capability`: the one scoping decision of the API.

    A token acts for its own authority only, and only if one of its scopes grants the capability. A person
    acts for the authorities where they hold one of the capability's roles.
    """
    credential = credential_of(request)
    if credential is not None:
        return [credential.authority_id] if capability.scope in credential.scopes else []
    return authority_ids_for(request.user, capability.roles)


def scope_queryset(queryset: Any, request: Any, capability: Capability | None) -> Any:
    """Restrict an authority-owned queryset (an `AuthorityScopedQuerySet`) to what the caller may see."""
    if capability is None:
        return queryset
    credential = credential_of(request)
    if credential is None:
        return queryset.visible_to(request.user, capability.roles)
    ids = api_authority_ids(request, capability)
    return queryset.filter(**{f"{queryset.authority_field}__in": ids})


class HasCapability(BasePermission):
    """Refuse (403) callers who may not use the view's capability for any authority at all. Which records
    they see is then decided by the scoped queryset (another authority's record is 404)."""

    message = "Your credentials do not allow this kind of data."

    def has_permission(self, request: Request, view: Any) -> bool:
        capability = getattr(view, "capability", None)
        if capability is None:
            return True
        return bool(api_authority_ids(request, capability))


# --- guards of the aggregate endpoints and their parameters --------------------------------------------
# Every endpoint hanging off an authority or a region goes through these: `own_authority` gives the
# authority in the URL only when the caller may read its aggregates in full (404 for any other authority,
# 403 without aggregate access); `caller_region` gives the region only when one of the caller's authorities
# is in it (regional figures then suppress other authorities' small numbers). Dates are bounded by
# `sufficiency.core.bounds` (400 naming the parameter).


def aggregate_ids(request: Request) -> list[int]:
    """Authorities whose aggregates the caller may read in full; 403 when none (no `read:aggregate`)."""
    ids = api_authority_ids(request, AGGREGATE)
    if not ids:
        raise exceptions.PermissionDenied(
            "Your credentials do not allow aggregate data (scope read:aggregate)."
        )
    return ids


def own_authority(view: Any, request: Request) -> Any:
    """The authority of the URL when the caller may read its aggregates in full, else 404 (403 without
    aggregate access at all). `view` is the authorities viewset (lookup by DfE code)."""
    ids = aggregate_ids(request)
    authority = view.get_object()
    if authority.pk not in ids:
        raise Http404
    return authority


def caller_region(view: Any, request: Request) -> tuple[Any, list[int]]:
    """The region of the URL and the caller's own authorities, when one of them is in it (else 404)."""
    ids = aggregate_ids(request)
    region = view.get_object()
    if not region.authorities.filter(pk__in=ids).exists():
        raise Http404
    return region, ids


class OnDateInputSerializer(serializers.Serializer):
    """The date figures are read on (default: today)."""

    on = BoundedDateField(required=False, help_text="YYYY-MM-DD; default today")


def on_date(request: Request, *, default: dt.date | None = None) -> dt.date:
    """The validated `?on=` date, else ``default``, else today (400 with field errors when it is not a
    date)."""
    params = OnDateInputSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data.get("on") or default or timezone.localdate()


# --- pagination and throttling -----------------------------------------------------------------------


class ApiCursorPagination(CursorPagination):
    """Cursor pagination: stable pages while the register changes underneath, and no page counting.

    `?page_size=` up to 1000; follow `next` until it is null. The ordering comes from `?ordering=` when the
    view allows it, otherwise from the view's `ordering`.
    """

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "id"


class ApiRateThrottle(SimpleRateThrottle):
    """Per-client rate limit: each API client (token) has its own bucket, each signed-in person another.

    Rates come from `settings.API_THROTTLE_RATES` ("client", "user", "anon") at request time, and a client
    may carry its own `throttle_rate`. Counters live in the default cache: use a shared cache (Redis) when
    running several web processes.
    """

    scope = "api"

    def __init__(self) -> None:  # rates are read per request in allow_request, not at import time
        pass

    def _rate_for(self, request: Request) -> str | None:
        rates = getattr(settings, "API_THROTTLE_RATES", {})
        credential = credential_of(request)
        if credential is not None:
            return credential.throttle_rate or rates.get("client")
        if request.user and request.user.is_authenticated:
            return rates.get("user")
        return rates.get("anon")

    def allow_request(self, request: Request, view: Any) -> bool:
        self.rate = self._rate_for(request)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        credential = credential_of(request)
        if credential is not None:
            ident = f"client:{credential.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return f"throttle_api_{ident}"


# --- errors ------------------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    """409: the request is valid but clashes with the current state (e.g. an import is already running)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    status = serializers.IntegerField(help_text="The HTTP status code, repeated")
    code = serializers.CharField(
        help_text="A stable machine-readable code, e.g. invalid, not_found, throttled"
    )
    detail = serializers.CharField(help_text="What went wrong, in plain English")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For 400: messages per field (`non_field_errors` for the request as a whole)",
    )


def _flatten(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _flatten(v)]
    if isinstance(value, list | tuple):
        return [m for item in value for m in _flatten(item)]
    return [str(value)]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One error body for the whole API: `{"status", "code", "detail", "errors"?}`."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        errors = (
            {str(k): _flatten(v) for k, v in detail.items()}
            if isinstance(detail, dict)
            else {"non_field_errors": _flatten(detail)}
        )
        body.update(code="invalid", detail="The request is not valid: see errors.", errors=errors)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        body.update(
            code=codes if isinstance(codes, str) else exc.default_code, detail=" ".join(_flatten(exc.detail))
        )
    else:  # pragma: no cover - DRF only handles APIException, Http404 and PermissionDenied
        body.update(code="error", detail=str(exc))
    response.data = body
    return response


# --- ETags -------------------------------------------------------------------------------------------


class ETagMixin:
    """Strong ETags on successful reads, and 304 Not Modified when `If-None-Match` matches.

    The tag is a hash of the rendered body, so it changes whenever what the caller would see changes
    (including the pseudonyms, which differ per client).
    """

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]  # a mixin: the view class it is combined with provides this
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH", "")
        if (
            etag in [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            or if_none_match == "*"
        ):
            not_modified = Response(status=status.HTTP_304_NOT_MODIFIED)
            not_modified["ETag"] = etag
            not_modified["Cache-Control"] = "private, no-cache"
            return super().finalize_response(request, not_modified, *args, **kwargs)  # type: ignore[misc]  # a mixin: the view class it is combined with provides this
        return response


# --- schema ------------------------------------------------------------------------------------------

_ERROR_DESCRIPTIONS = {
    400: "Invalid input: `errors` names the fields",
    401: "No valid credentials (missing, unknown, revoked or expired token)",
    403: "The credentials do not allow this kind of data",
    404: "Not found, or not yours to see",
    409: "Conflicts with the current state",
    429: "Too many requests: wait for the number of seconds in `Retry-After`",
}


class ApiSchema(AutoSchema):
    """Documents the shared error responses (and 304 for reads) on every operation."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction)  # type: ignore[arg-type]  # drf-spectacular's private method, untyped
        if direction != "response":
            return bodies
        codes = [400, 401, 403, 404, 429]
        if self.method == "POST":
            codes.append(409)
        for code in codes:
            if str(code) not in bodies:
                bodies[str(code)] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_ERROR_DESCRIPTIONS[code]), str(code)
                )
        if self.method == "GET" and "304" not in bodies:
            bodies["304"] = {"description": "Not modified: the `If-None-Match` ETag still matches"}
        return bodies


# --- base viewsets -----------------------------------------------------------------------------------


if TYPE_CHECKING:  # the mixin is always combined with a DRF viewset: type its attributes as the viewset's
    _GenericView = GenericAPIView
else:
    _GenericView = object


class ApiViewSetMixin(ETagMixin, _GenericView):
    """What every API viewset shares: authentication, capability check, throttling, pagination, filters."""

    capability: Capability | None = None
    permission_classes = [IsAuthenticated, HasCapability]
    pagination_class = ApiCursorPagination
    throttle_classes = [ApiRateThrottle]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    schema = ApiSchema()


class ReferenceViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Shared reference data (regions, authorities, Ofsted settings, providers): any caller may read it."""


class AuthorityScopedViewSet(ApiViewSetMixin, viewsets.GenericViewSet):
    """Records owned by an authority. Subclasses set `capability` and `queryset` (an
    AuthorityScopedQuerySet) and never filter by authority themselves."""

    capability: Capability | None = CHILD_LEVEL

    def get_queryset(self) -> Any:
        return scope_queryset(super().get_queryset(), self.request, self.capability)

    def allowed_authority_ids(self) -> list[int]:
        """The authorities this caller may act for here (for writes: the owner is chosen from these)."""
        assert self.capability is not None
        return api_authority_ids(self.request, self.capability)
