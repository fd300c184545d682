"""The enterprise API for ratings (DESIGN.md, "Enterprise portal"): a company's declarations and its ratings,
with the Bearer token of a signed-in company user."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from customs_feedback.api_views import InputApi, created
from customs_feedback.openapi import error_responses
from partnerships.enterprise_auth import EnterpriseBearerAuthentication, IsCompanyUser, MayRate
from ratings.company_selectors import company_declarations, rate_until, related_or_none
from ratings.serializers import rating_fields, rating_input
from ratings.services import RatingsRefused, ratings_submit_for_company


class CompanyApi(InputApi):
    authentication_classes = [EnterpriseBearerAuthentication]
    permission_classes = [IsCompanyUser]


class CompanyDeclarationsApi(CompanyApi):
    @extend_schema_serializer(component_name="EnterpriseDeclaration")
    class Output(serializers.Serializer):
        number = serializers.CharField()
        cleared_at = serializers.DateTimeField(allow_null=True)
        rating = serializers.DictField(allow_null=True)
        rate_until = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        parameters=[OpenApiParameter("unrated", bool, description="1: only declarations the company can still rate")],
        responses={200: Output(many=True), **error_responses(400, 401, 403)},
        summary="The signed-in company's declarations",
        tags=["Enterprise"],
    )
    def get(self, request):
        unrated = request.query_params.get("unrated", "")
        if unrated not in ("", "0", "1", "true", "false"):
            raise serializers.ValidationError({"unrated": [_("Use 1 for unrated declarations only, or leave it out.")]})
        declarations = company_declarations(enterprise_id=request.auth.enterprise_id, unrated=unrated in ("1", "true"))
        rows = []
        for declaration in declarations[:1000]:
            rating = related_or_none(declaration, "rating")
            rows.append(
                {
                    "number": declaration.number,
                    "cleared_at": declaration.cleared_at,
                    "rating": None if rating is None else {"id": rating.pk, "status": rating.status},
                    "rate_until": rate_until(declaration),
                }
            )
        return Response(self.Output(rows, many=True).data)


class CompanyRatingsApi(CompanyApi):
    permission_classes = [MayRate]

    @extend_schema_serializer(component_name="EnterpriseRatingInput")
    class Input(serializers.Serializer):
        declaration_number = serializers.CharField(required=False)
        declaration_numbers = serializers.ListField(child=serializers.CharField(), required=False, max_length=100)
        tax_code = serializers.CharField(required=False)
        official_score, team_score, branch_score, reason, comment = rating_fields()

        def validate(self, attrs):
            if bool(attrs.get("declaration_number")) == bool(attrs.get("declaration_numbers")):
                raise serializers.ValidationError(
                    {"declaration_numbers": [_("Send either declaration_number or declaration_numbers.")]}
                )
            return attrs

    @extend_schema_serializer(component_name="EnterpriseRatingOutput")
    class Output(serializers.Serializer):
        created = serializers.ListField(child=serializers.IntegerField())

    @extend_schema(
        request=Input,
        responses={201: Output, **error_responses(400, 401, 403, 404, 409, 413, 415)},
        summary="Rate one or several of the company's declarations",
        tags=["Enterprise"],
    )
    def post(self, request):
        data = self.validated(request)
        enterprise = request.auth.enterprise
        if data.get("tax_code") and data["tax_code"].strip() != enterprise.tax_code:
            raise serializers.ValidationError({"tax_code": [_("This is not the tax code of your company.")]})
        numbers = data.get("declaration_numbers") or [data["declaration_number"]]
        try:
            ratings = ratings_submit_for_company(
                enterprise=enterprise,
                declaration_numbers=numbers,
                data=rating_input(data),
            )
        except RatingsRefused as refused:
            return Response(
                {"detail": refused.message, "declaration_numbers": refused.by_number}, status=refused.status_code
            )
        return created(request, {"created": [rating.pk for rating in ratings]})
