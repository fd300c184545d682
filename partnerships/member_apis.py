"""The enterprise API's sign-in and `me` (DESIGN.md, "Enterprise portal"); the same services as the portal."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_feedback.api_views import PublicApi
from customs_feedback.openapi import error_responses
from customs_feedback.throttling import client_ip
from partnerships import sign_in
from partnerships.enterprise_auth import EnterpriseBearerAuthentication, IsCompanyUser
from partnerships.member_selectors import member_summary


class SignInApi(PublicApi):
    """Ask for a six-digit code: the answer is identical whether or not the email is the company's."""

    @extend_schema_serializer(component_name="EnterpriseSignInInput")
    class Input(serializers.Serializer):
        tax_code = serializers.CharField(max_length=20)
        email = serializers.EmailField()

    @extend_schema_serializer(component_name="EnterpriseSignInOutput")
    class Output(serializers.Serializer):
        detail = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={202: Output, **error_responses(400, 413, 415, 429)},
        summary="Enterprise sign-in: email a code",
        tags=["Enterprise"],
    )
    def post(self, request):
        sign_in.sign_in_start(**self.validated(request), ip=client_ip(request))
        detail = _("If this email is registered for the enterprise, a six-digit code has been sent to it.")
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class SignInVerifyApi(PublicApi):
    @extend_schema_serializer(component_name="EnterpriseSignInVerifyInput")
    class Input(serializers.Serializer):
        tax_code = serializers.CharField(max_length=20)
        email = serializers.EmailField()
        code = serializers.CharField(max_length=6)

    @extend_schema_serializer(component_name="EnterpriseSignInVerifyOutput")
    class Output(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(
        request=Input,
        responses={200: Output, **error_responses(400, 413, 415, 429)},
        summary="Enterprise sign-in: exchange the code for a token",
        tags=["Enterprise"],
    )
    def post(self, request):
        member = sign_in.sign_in_verify(**self.validated(request), ip=client_ip(request))
        key, expires_at = sign_in.token_issue(member=member)
        return Response(self.Output({"token": key, "expires_at": expires_at}).data)


@extend_schema_serializer(component_name="EnterpriseAgreement")
class AgreementOutput(serializers.Serializer):
    reference = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()


@extend_schema_serializer(component_name="EnterpriseUserOutput")
class UserOutput(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(allow_blank=True)
    role = serializers.CharField()
    status = serializers.CharField()


class MeApi(APIView):
    authentication_classes = [EnterpriseBearerAuthentication]
    permission_classes = [IsCompanyUser]

    @extend_schema_serializer(component_name="EnterpriseMeOutput")
    class Output(serializers.Serializer):
        tax_code = serializers.CharField()
        name = serializers.CharField()
        email = serializers.EmailField()
        role = serializers.CharField()
        agreement = AgreementOutput(allow_null=True)
        users = UserOutput(many=True)

    @extend_schema(
        responses={200: Output, **error_responses(400, 401, 403)},
        summary="The signed-in enterprise user and their company",
        tags=["Enterprise"],
    )
    def get(self, request):
        return Response(self.Output(member_summary(request.auth)).data)
