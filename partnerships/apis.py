"""The partnerships API (fixed paths and payloads: DESIGN.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from customs_feedback.api_views import InputApi, PublicApi, created
from customs_feedback.exceptions import NotFound, PermissionDenied
from customs_feedback.inputs import SafeMultiPartParser
from customs_feedback.openapi import PUBLIC_WRITE, STAFF_WRITE, error_responses
from customs_feedback.throttling import ScopedRateThrottle, client_ip
from partnerships import digital_signing, selectors, services
from partnerships.enterprise_auth import EnterpriseBearerAuthentication
from partnerships.verification import document_verify, read_pdf_upload


class AgreementSignApi(PublicApi):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_submit"

    @extend_schema_serializer(component_name="AgreementSignInput")
    class Input(serializers.Serializer):
        tax_code = serializers.CharField(max_length=20, label=_("tax code"))
        company_name = serializers.CharField(max_length=300, label=_("company name"))
        address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
        representative_name = serializers.CharField(max_length=200, label=_("legal representative"))
        representative_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        email = serializers.EmailField(label=_("email"))
        phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
        language = serializers.ChoiceField(choices=["vi", "en"], required=False, default="vi")
        accept_terms = serializers.BooleanField(label=_("I accept the terms"))

    @extend_schema_serializer(component_name="AgreementSignOutput")
    class Output(serializers.Serializer):
        reference = serializers.CharField()
        status = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={201: Output, **error_responses(*PUBLIC_WRITE, 409)},
        summary="Sign the partnership agreement",
        tags=["Partnerships"],
    )
    def post(self, request):
        signed = services.agreement_sign(
            **self.validated(request), ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
        )
        return created(request, self.Output(signed.agreement).data)


class AgreementConfirmApi(PublicApi):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_submit"

    @extend_schema_serializer(component_name="AgreementConfirmInput")
    class Input(serializers.Serializer):
        token = serializers.CharField(max_length=200)

    @extend_schema_serializer(component_name="AgreementConfirmOutput")
    class Output(serializers.Serializer):
        reference = serializers.CharField()
        status = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={200: Output, **error_responses(*PUBLIC_WRITE, 409)},
        summary="Confirm the signer's email",
        tags=["Partnerships"],
    )
    def post(self, request):
        agreement = services.agreement_confirm(token=self.validated(request)["token"])
        return Response(self.Output(agreement).data)


class AgreementCountersignApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema_serializer(component_name="AgreementCountersignOutput")
    class Output(serializers.Serializer):
        status = serializers.CharField()
        number = serializers.IntegerField()

    @extend_schema(
        request=None,
        responses={200: Output, **error_responses(*STAFF_WRITE)},
        summary="Countersign an agreement (staff)",
        tags=["Partnerships"],
    )
    def post(self, request, reference: str):
        if not request.user.has_perm("partnerships.decide_agreement"):
            raise PermissionDenied()
        agreement = selectors.agreement_list(user=request.user).filter(reference=reference).first()
        if agreement is None:
            raise NotFound(str(_("No such agreement.")))
        agreement = services.agreement_countersign(agreement_id=agreement.pk, actor=request.user)
        return Response(self.Output(agreement).data)


@extend_schema_serializer(component_name="PartnershipStatsMonth")
class MonthOutput(serializers.Serializer):
    month = serializers.CharField()
    count = serializers.IntegerField()


class PartnershipStatsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="PartnershipStatsOutput")
    class Output(serializers.Serializer):
        active = serializers.IntegerField()
        signed_by_month = serializers.ListField(child=MonthOutput())

    @extend_schema(
        responses={200: Output, **error_responses(400)}, summary="Public partnership statistics", tags=["Partnerships"]
    )
    def get(self, request):
        return Response(selectors.partnership_stats())


class DocumentVerifyApi(PublicApi):
    """Check an uploaded copy of a certificate: the department's seal, the agreement, in force today."""

    parser_classes = [SafeMultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signature_verify"

    @extend_schema_serializer(component_name="DocumentVerifyInput")
    class Input(serializers.Serializer):
        file = serializers.FileField(label=_("PDF file"))

    @extend_schema_serializer(component_name="DocumentVerifyOutput")
    class Output(serializers.Serializer):
        signature = serializers.ChoiceField(choices=["valid", "modified", "untrusted", "absent"])
        signed_by = serializers.CharField()
        signed_at = serializers.DateTimeField(allow_null=True)
        reference = serializers.CharField(allow_null=True)
        status = serializers.CharField(allow_null=True)
        in_force = serializers.BooleanField(allow_null=True)

    @extend_schema(
        request=Input,
        responses={200: Output, **error_responses(*PUBLIC_WRITE)},
        summary="Verify the seal of a certificate PDF",
        tags=["Partnerships"],
    )
    def post(self, request):
        result = document_verify(pdf=read_pdf_upload(self.validated(request)["file"]))
        return Response(self.Output(result).data)


class AgreementSignedUploadApi(InputApi):
    """An agreement signed with the enterprise's digital certificate: it goes straight to review.

    Public, or with a company user's Bearer token: then the agreement must name that user's company.
    """

    permission_classes = [AllowAny]
    authentication_classes = [EnterpriseBearerAuthentication]
    parser_classes = [SafeMultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_submit"

    @extend_schema_serializer(component_name="AgreementSignedUploadInput")
    class Input(serializers.Serializer):
        file = serializers.FileField(label=_("signed agreement (PDF)"))
        email = serializers.EmailField(label=_("email"))
        language = serializers.ChoiceField(choices=["vi", "en"], required=False, default="")

    @extend_schema_serializer(component_name="AgreementSignedUploadOutput")
    class Output(serializers.Serializer):
        reference = serializers.CharField()
        status = serializers.CharField()
        signature = serializers.CharField(source="signature_method")

    @extend_schema(
        request=Input,
        responses={201: Output, **error_responses(*PUBLIC_WRITE, 401, 409)},
        summary="Upload the agreement signed digitally",
        tags=["Partnerships"],
    )
    def post(self, request):
        data = self.validated(request)
        agreement = digital_signing.agreement_sign_digital(
            pdf=read_pdf_upload(data["file"]),
            email=data["email"],
            language=data["language"],
            signed_in_tax_code=request.auth.enterprise.tax_code
            if getattr(request.auth, "enterprise_id", None)
            else None,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
        return created(request, self.Output(agreement).data)
