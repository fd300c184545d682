"""HTTP API of the trust loop: verification by the independent staff, and the rating's status for the
declaration software that submitted it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_feedback.openapi import STAFF_WRITE, error_responses
from ratings.apis import ApiClientView, RatingsScope
from ratings.models import Rating, RejectionReason
from ratings.record_selectors import rating_status_for_rater
from ratings.services import rating_reject, rating_verify


class RatingStatusOut(serializers.Serializer):
    class CaseOut(serializers.Serializer):
        status = serializers.CharField()
        outcome = serializers.CharField(allow_null=True)
        measure = serializers.CharField(allow_null=True)

    id = serializers.IntegerField()
    status = serializers.CharField()
    rejection_reason = serializers.CharField(required=False)
    case = CaseOut(allow_null=True)


class RatingDetailApi(ApiClientView):
    """The status of a rating, for the API client that submitted it (never who investigated)."""

    permission_classes = [RatingsScope]

    @extend_schema(
        responses={200: RatingStatusOut, **error_responses(401, 403, 404, 429)},
        summary="Status of a rating, for the software that submitted it",
        tags=["Ratings"],
    )
    def get(self, request, rating_id: int):
        rating = get_object_or_404(Rating.objects.select_related("case"), pk=rating_id)
        if rating.submitted_by_id != request.auth.pk:
            raise DRFPermissionDenied(_("Only the system that submitted a rating may read its status."))
        return Response(rating_status_for_rater(rating))


class StaffApiView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


class RatingDecisionOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()


class RatingVerifyApi(StaffApiView):
    """The rated branch's leader or the inspection desk confirms a rating as genuine."""

    @extend_schema(
        request=None,
        responses={200: RatingDecisionOut, **error_responses(*STAFF_WRITE)},
        summary="Verify a rating (branch leader of the rated branch, inspection desk)",
        tags=["Ratings"],
    )
    def post(self, request, rating_id: int):
        get_object_or_404(Rating, pk=rating_id)
        rating = rating_verify(rating_id=rating_id, actor=request.user)
        return Response({"id": rating.pk, "status": rating.status})


class RatingRejectIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RejectionReason.choices)
    note = serializers.CharField(allow_blank=True, max_length=2000)


class RatingRejectApi(StaffApiView):
    """The same staff set a rating aside, with a reason and a note the enterprise is told."""

    @extend_schema(
        request=RatingRejectIn,
        responses={200: RatingDecisionOut, **error_responses(*STAFF_WRITE)},
        summary="Reject a rating with a reason and a note (branch leader of the rated branch, inspection desk)",
        tags=["Ratings"],
    )
    def post(self, request, rating_id: int):
        get_object_or_404(Rating, pk=rating_id)
        serializer = RatingRejectIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        rating = rating_reject(
            rating_id=rating_id,
            reason=serializer.validated_data["reason"],
            note=serializer.validated_data["note"],
            actor=request.user,
        )
        return Response({"id": rating.pk, "status": rating.status})
