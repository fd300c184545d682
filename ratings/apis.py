"""HTTP API: declarations and ratings from other systems (API key with scopes), and public statistics."""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_feedback.api_views import InputApi, created
from customs_feedback.openapi import API_CLIENT_WRITE, FIELD_ERRORS, error_responses
from customs_feedback.serializers import InputSerializer
from customs_feedback.throttling import ResilientThrottleMixin, WindowCountThrottle
from ratings.filters import RatingStatsFilterSet
from ratings.models import ApiClient, ApiScope
from ratings.selectors import SignInRequired, stats_for_caller
from ratings.serializers import rating_fields, rating_input
from ratings.services import MAX_BATCH, declarations_upsert, rating_submit

_VERIFIED: dict[str, tuple[float, ApiClient]] = {}
# A key revoked, changed or deleted stops working at once in the process that saves it (the signals below), and
# within this time in the others: no signal crosses processes.
VERIFIED_KEY_SECONDS = 30


@receiver(post_save, sender=ApiClient, dispatch_uid="ratings-api-key-saved")
@receiver(post_delete, sender=ApiClient, dispatch_uid="ratings-api-key-deleted")
def _forget_verified_keys(**kwargs) -> None:
    # Now, and again after the commit: a request of this process may verify the key between the save and the commit.
    _VERIFIED.clear()
    transaction.on_commit(_VERIFIED.clear, using=kwargs.get("using"))


def _verified_client(key: str) -> ApiClient | None:
    """The client of a valid key; a verified key is remembered briefly, sparing a query per request."""
    now = time.monotonic()
    cached = _VERIFIED.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    try:
        client = ApiClient.objects.get_from_key(key)
    except ApiClient.DoesNotExist:
        _VERIFIED.pop(key, None)
        return None
    if len(_VERIFIED) > 1000:
        _VERIFIED.clear()
    _VERIFIED[key] = (now + VERIFIED_KEY_SECONDS, client)
    return client


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`: the request is made by an ApiClient (request.auth); no user."""

    keyword = "Api-Key"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _space, key = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        client = _verified_client(key.strip())
        if client is None:
            raise AuthenticationFailed(_("This API key is not valid."))
        if client.has_expired:
            raise AuthenticationFailed(_("This API key has expired."))
        return (None, client)

    def authenticate_header(self, request) -> str:
        return self.keyword


class HasScope(BasePermission):
    scope = ""

    def has_permission(self, request, view) -> bool:
        client = request.auth
        if not isinstance(client, ApiClient):
            raise NotAuthenticated(_("Send your API key in the header: Authorization: Api-Key <key>."))
        if not client.has_scope(self.scope):
            raise DRFPermissionDenied(
                _("This API key may not use this endpoint (it needs the scope “%(scope)s”).") % {"scope": self.scope}
            )
        return True


class DeclarationsScope(HasScope):
    scope = ApiScope.DECLARATIONS


class RatingsScope(HasScope):
    scope = ApiScope.RATINGS


class ApiClientThrottle(ResilientThrottleMixin, WindowCountThrottle):
    """A request budget per API client (THROTTLE_API_CLIENT), counted in O(1) whatever the budget."""

    scope = "api_client"
    cache_format = "throttle_window_%(scope)s_%(ident)s"  # not DRF's key: its entries hold a list of times

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class ApiClientView(InputApi):
    authentication_classes = [ApiKeyAuthentication]
    throttle_classes = [ApiClientThrottle]
    # Called by other systems with their key: no session user, device or message is read, so the browser
    # middlewares leave these paths out (customs_feedback.core.browser_middleware).
    reads_no_browser_state = True


class DeclarationIn(serializers.Serializer):
    number = serializers.CharField()
    tax_code = serializers.CharField()
    branch_code = serializers.CharField()
    team_code = serializers.CharField()
    official_code = serializers.CharField()
    registered_at = serializers.DateTimeField()
    cleared_at = serializers.DateTimeField(allow_null=True, required=False)


class UpsertOut(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


# The body is one declaration or a list of them; a refused list answers one error object per item.
DeclarationsIn = PolymorphicProxySerializer(
    component_name="DeclarationsIn",
    serializers=[DeclarationIn, DeclarationIn(many=True)],
    resource_type_field_name=None,
    many=False,
)
DECLARATION_ERRORS = {"oneOf": [FIELD_ERRORS, {"type": "array", "items": FIELD_ERRORS}]}


class DeclarationUpsertApi(ApiClientView):
    """Push one declaration, or a list of up to 1000, from the clearance system (upsert by number)."""

    permission_classes = [DeclarationsScope]
    body_may_be_a_list = True  # refused items answer one error object each (customs_feedback.inputs)

    @extend_schema(
        request=DeclarationsIn,
        responses={
            200: UpsertOut,
            **error_responses(*API_CLIENT_WRITE, validation=DECLARATION_ERRORS),
        },
        summary="Push declarations from the clearance system",
        tags=["Ratings"],
    )
    def post(self, request):
        payload = request.data
        single = isinstance(payload, dict)
        rows = [payload] if single else payload
        if not isinstance(rows, list) or not rows:
            return Response(
                {"non_field_errors": [_("Send one declaration object or a non-empty list of them.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if len(rows) > MAX_BATCH:
            return Response(
                {"non_field_errors": [_("Send at most %(max)s declarations per request.") % {"max": MAX_BATCH}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        result = declarations_upsert(rows=rows)
        if result.rejected:
            if single:
                return Response(result.rejected[0][1], status=status.HTTP_400_BAD_REQUEST)
            errors: list[dict] = [{} for _row in rows]
            for index, row_errors in result.rejected:
                errors[index] = row_errors
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated})


class RatingSubmitApi(ApiClientView):
    """A rating pushed by declaration software on behalf of the declaring enterprise."""

    permission_classes = [RatingsScope]

    class Input(InputSerializer):
        declaration_number = serializers.CharField()
        tax_code = serializers.CharField()
        official_score, team_score, branch_score, reason, comment = rating_fields()

    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={201: Output, **error_responses(*API_CLIENT_WRITE, 404, 409)},
        summary="Submit a rating on behalf of the declaring enterprise",
        tags=["Ratings"],
    )
    def post(self, request):
        data = self.validated(request)
        rating = rating_submit(
            declaration_number=data["declaration_number"],
            tax_code=data["tax_code"],
            data=rating_input(data),
            submitted_by=request.auth,
        )
        return created(request, {"id": rating.pk, "status": rating.status})


class RatingStatsApi(APIView):
    """Satisfaction figures from the statistics rollup; rejected ratings are not counted."""

    # Token first, so an anonymous request for staff figures is told to authenticate (401).
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, required=False)
            for name in ("branch", "team", "official", "date_from", "date_to", "period")
        ],
        responses={200: dict, **error_responses(400, 401, 403)},
        summary="Satisfaction statistics",
        tags=["Ratings"],
    )
    def get(self, request):
        query = RatingStatsFilterSet(request.query_params).cleaned()
        try:
            return Response(stats_for_caller(user=request.user, query=query))
        except SignInRequired as error:
            raise NotAuthenticated(error.message) from None


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the API-key header."""

    target_class = "ratings.apis.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Api-Key <key> (create one with `manage.py create_api_client`)",
        }
