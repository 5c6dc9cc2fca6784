"""API endpoints of the placement register (adapters: scope, filter, serialise, or call one service).

Scoping, capability checks, pagination, throttling, ETags and error bodies all come from the base classes
in `sufficiency.core.api`; nothing here filters by authority itself.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.api import (
    CHILD_LEVEL,
    IMPORT,
    AuthorityScopedViewSet,
    Conflict,
    ReferenceViewSet,
    credential_of,
)
from sufficiency.core.audit import audit
from sufficiency.core.csv import csv_text_response

from ..filtersets import (
    ChildFilterSet,
    EpisodeFilterSet,
    ImportJobFilterSet,
    ProviderFilterSet,
    SettingFilterSet,
)
from ..models import Child, ImportJob, PlacementEpisode, Provider, Setting
from ..services import ImportBusy, ImportRejected, import_job_create
from .serializers import (
    ChildSerializer,
    EpisodeSerializer,
    ImportJobCreateInputSerializer,
    ImportJobSerializer,
    ProviderSerializer,
    SettingSerializer,
)


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


class ChildLevelReadMixin:
    """Audits every read of child-level records (who, when, what, from where): one row per authority
    queried, so each authority's audit trail shows every read of its records, including reads by a person
    who holds roles in several authorities (a list searches all of them: each gets a row with its own count,
    zero included)."""

    audit_object_type = ""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]  # a mixin: the view class it is combined with provides this
        page = getattr(self.paginator, "page", None) or []  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this
        rows = Counter(record.authority_id for record in page)
        ids = self.allowed_authority_ids()  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this
        for authority in LocalAuthority.objects.filter(pk__in=ids).order_by("pk"):
            audit(
                action=f"api.{self.basename}_list_read",  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this
                actor=request.user,
                authority=authority,
                object_type=self.audit_object_type,
                detail={
                    "rows": rows.get(authority.pk, 0),
                    "filters": sorted(k for k in request.query_params if k != "cursor"),
                    "api_client": getattr(credential_of(request), "pk", None),
                },
                request=request,
            )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this
        response = Response(self.get_serializer(record).data)  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this
        audit(
            action=f"api.{self.basename}_read",  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this
            actor=request.user,
            authority=record.authority,
            obj=record,
            object_type=self.audit_object_type,
            detail={"api_client": getattr(credential_of(request), "pk", None)},
            request=request,
        )
        return response


@extend_schema_view(
    list=extend_schema(summary="List the authority's children", tags=["children"]),
    retrieve=extend_schema(summary="One child", tags=["children"]),
)
class ChildViewSet(
    ChildLevelReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityScopedViewSet
):
    """Children of the caller's own authority (scope `read:child`), with pseudonymous references.
    Another authority's child is 404. Every read is audited."""

    capability = CHILD_LEVEL
    queryset = Child.objects.select_related("authority")
    serializer_class = ChildSerializer
    filterset_class = ChildFilterSet
    ordering_fields = ["id"]
    ordering = ["id"]
    audit_object_type = "placements.Child"


@extend_schema_view(
    list=extend_schema(summary="List the authority's SSDA903 episodes", tags=["episodes"]),
    retrieve=extend_schema(summary="One episode", tags=["episodes"]),
)
class EpisodeViewSet(
    ChildLevelReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityScopedViewSet
):
    """SSDA903 episodes of the caller's own authority (scope `read:child`). `?in_care_on=YYYY-MM-DD` gives the
    episodes of the children in care on that date (the rows behind the children-in-care count)."""

    capability = CHILD_LEVEL
    queryset = PlacementEpisode.objects.select_related("authority", "child", "placement_la")
    serializer_class = EpisodeSerializer
    filterset_class = EpisodeFilterSet
    ordering_fields = ["id", "decom"]
    ordering = ["id"]
    audit_object_type = "placements.PlacementEpisode"


@extend_schema_view(
    list=extend_schema(summary="List Ofsted-registered settings", tags=["settings"]),
    retrieve=extend_schema(summary="One setting", tags=["settings"]),
)
class SettingViewSet(ReferenceViewSet):
    """Ofsted-registered settings: shared, public reference data readable by every caller."""

    queryset = Setting.objects.select_related("local_authority")
    serializer_class = SettingSerializer
    filterset_class = SettingFilterSet
    ordering_fields = ["id", "urn"]
    ordering = ["id"]


@extend_schema_view(
    list=extend_schema(summary="List providers", tags=["providers"]),
    retrieve=extend_schema(summary="One provider", tags=["providers"]),
)
class ProviderViewSet(ReferenceViewSet):
    """Organisations that run settings: shared reference data readable by every caller."""

    queryset = Provider.objects.all()
    serializer_class = ProviderSerializer
    filterset_class = ProviderFilterSet
    ordering_fields = ["id", "name"]
    ordering = ["id"]


@extend_schema_view(
    list=extend_schema(summary="List the authority's data imports", tags=["imports"]),
    retrieve=extend_schema(summary="One import: poll it until it has finished", tags=["imports"]),
)
class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityScopedViewSet):
    """SSDA903 imports of the caller's own authority (scope `write:import`): upload, poll, error report."""

    capability = IMPORT
    queryset = ImportJob.objects.defer("error_report").select_related("authority")
    serializer_class = ImportJobSerializer
    filterset_class = ImportJobFilterSet
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def get_parsers(self) -> list[Any]:
        if getattr(self, "action", None) == "create" or self.request is None or self.request.method == "POST":
            return [MultiPartParser(), FormParser()]
        return super().get_parsers()

    def _owner(self, code: str | None) -> LocalAuthority:
        """The authority the upload is for: always one the caller may import for, never taken on trust."""
        allowed = LocalAuthority.objects.filter(pk__in=self.allowed_authority_ids())
        if code:
            authority = allowed.filter(dfe_code=code).first()
            if authority is None:
                raise _field_error("authority", "You cannot import for this authority.")
            return authority
        if len(allowed) != 1:
            raise _field_error("authority", "You import for several authorities: give the DfE code of one.")
        return allowed.get()

    @extend_schema(
        summary="Upload SSDA903 files: returns the queued import job to poll",
        tags=["imports"],
        request={"multipart/form-data": ImportJobCreateInputSerializer},
        responses={202: ImportJobSerializer},
    )
    def create(self, request: Request) -> Response:
        form = ImportJobCreateInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        authority = self._owner(form.validated_data.get("authority"))
        files = [(upload.name, upload.read()) for upload in form.validated_data["files"]]
        try:
            job = import_job_create(
                authority=authority,
                files=files,
                acting_user=request.user,
                request=request,
                strict=form.validated_data.get("strict", False),
            )
        except ImportBusy as exc:
            raise Conflict(str(exc)) from None
        except ImportRejected as exc:
            raise _field_error("files", str(exc)) from None
        body = ImportJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(
        summary="Download an import's error report (CSV: file, row, column, value, message)",
        tags=["imports"],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The error report")},
    )
    @action(detail=True, methods=["get"], url_path="errors", url_name="errors")
    def errors(self, request: Request, pk: str | None = None) -> HttpResponse:
        job = self.get_object()
        audit(
            action="import.error_report_downloaded",
            actor=request.user,
            authority=job.authority,
            obj=job,
            request=request,
        )
        report = ImportJob.objects.filter(pk=job.pk).values_list("error_report", flat=True).get()
        return csv_text_response(
            f"import-{job.pk}-errors.csv", report or "file,row,column,value,message,code,severity,action\n"
        )
