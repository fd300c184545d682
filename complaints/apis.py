"""The inquiries API: thin views that parse input and call one service or selector."""

from __future__ import annotations

import math

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors, services
from complaints.models import Inquiry
from customs_feedback.api_views import created
from customs_feedback.inputs import SafeJSONParser, SafeMultiPartParser
from customs_feedback.openapi import PUBLIC_READ, PUBLIC_WRITE, STAFF_WRITE, error_responses
from customs_feedback.organization.scoping import for_user
from customs_feedback.serializers import InputSerializer
from customs_feedback.throttling import LookupThrottledMixin, ScopedRateThrottle, client_ip

HONEYPOT = "website"


def honeypot_check(value: str) -> None:
    if (value or "").strip():
        raise ValidationError({HONEYPOT: [_("This submission looks automated and was not accepted.")]})


def _text(**options) -> serializers.CharField:
    """An optional text field of a request's shape; a value that is not text gets a translated message."""
    return serializers.CharField(
        required=False,
        allow_blank=True,
        error_messages={"invalid": gettext_lazy("Send this field as text.")},
        **options,
    )


def _output(ref_name: str, **fields: serializers.Field) -> type[serializers.Serializer]:
    """A serializer of these fields, named `ref_name` in the OpenAPI schema."""
    meta = type("Meta", (), {"ref_name": ref_name})
    return type(serializers.Serializer)(ref_name, (serializers.Serializer,), {"Meta": meta, **fields})


class InquirySubmitApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_submit"
    parser_classes = [SafeJSONParser, SafeMultiPartParser]

    class Input(InputSerializer):
        class Meta:
            ref_name = "InquirySubmitInput"

        # Shape only; the service checks every rule and answers with translated messages.
        name = _text(trim_whitespace=False)
        email = _text()
        phone = _text()
        tax_code = _text()
        category = _text()
        subject = _text()
        body = _text(trim_whitespace=False)
        declaration_number = _text()
        language = _text()
        website = _text(help_text="Leave empty (bot trap).")
        attachments = serializers.ListField(child=serializers.FileField(), required=False)

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "InquirySubmitOutput"

        tracking_code = serializers.CharField()
        status = serializers.CharField()
        due_date = serializers.DateField()

    def throttled(self, request, wait):
        error = Throttled(detail=_("Too many submissions from your address. Please try again later."))
        error.wait = math.ceil(wait) if wait is not None else None  # sets Retry-After, keeps the message whole
        raise error

    @extend_schema(
        request=Input,
        responses={201: Output, **error_responses(*PUBLIC_WRITE)},
        summary="Submit an inquiry (public)",
        tags=["Inquiries"],
    )
    def post(self, request):
        payload = self.Input(data=request.data)
        payload.is_valid(raise_exception=True)  # the shape: strings and files; the service checks the rules
        data = payload.validated_data
        honeypot_check(data.get(HONEYPOT, ""))
        inquiry = services.inquiry_submit(
            name=data.get("name", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            tax_code=data.get("tax_code", ""),
            category_code=data.get("category", ""),
            subject=data.get("subject", ""),
            body=data.get("body", ""),
            declaration_number=data.get("declaration_number", ""),
            language=data.get("language", "") or get_language() or "",
            attachments=data.get("attachments", []),
            ip=client_ip(request),
        )
        return created(request, self.Output(inquiry).data)


class CategoryListApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "CategoryListOutput"

        code = serializers.CharField()
        name = serializers.CharField()

    @extend_schema(
        responses={200: Output(many=True), **error_responses(400)}, summary="Inquiry categories", tags=["Inquiries"]
    )
    def get(self, request):
        return Response(self.Output(selectors.category_list(), many=True).data)


class InquiryTrackApi(LookupThrottledMixin, APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    AnswerOutput = _output(
        "InquiryTrackAnswerOutput",
        text=serializers.CharField(),
        answered_at=serializers.DateTimeField(),
        unit=serializers.CharField(),
    )
    MessageOutput = _output(
        "InquiryTrackMessageOutput",
        author=serializers.CharField(),
        unit=serializers.CharField(),
        text=serializers.CharField(),
        at=serializers.DateTimeField(),
    )

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "InquiryTrackOutput"

        tracking_code = serializers.CharField()
        status = serializers.CharField()
        subject = serializers.CharField()
        submitted_at = serializers.DateTimeField()
        due_date = serializers.DateField()
        answer = serializers.SerializerMethodField()
        conversation = serializers.SerializerMethodField()

        def get_answer(self, view) -> dict | None:
            return InquiryTrackApi.AnswerOutput(view["answer"]).data if view["answer"] else None

        def get_conversation(self, view) -> list:
            return InquiryTrackApi.MessageOutput(view["conversation"], many=True).data

    @extend_schema(
        parameters=[OpenApiParameter("email", str, required=True, description="The submitter's email")],
        responses={200: Output, **error_responses(*PUBLIC_READ, 404)},
        summary="Track an inquiry with the submitter's email (public)",
        tags=["Inquiries"],
    )
    def get(self, request, tracking_code: str):
        inquiry = selectors.inquiry_for_tracking(
            tracking_code=tracking_code, email=request.query_params.get("email", "")
        )
        if inquiry is None:
            raise NotFound(_("No inquiry matches this tracking code and email."))
        return Response(self.Output(selectors.inquiry_public_view(inquiry)).data)


class InquiryAnswerApi(APIView):
    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        class Meta:
            ref_name = "InquiryAnswerInput"

        text = _text(trim_whitespace=False)

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "InquiryAnswerOutput"

        status = serializers.CharField()

    @extend_schema(
        request=Input,
        responses={200: Output, **error_responses(*STAFF_WRITE)},
        summary="Answer an inquiry (staff)",
        tags=["Inquiries"],
    )
    def post(self, request, tracking_code: str):
        if not request.user.has_perm("complaints.answer_inquiry"):
            raise services.PermissionDenied()
        inquiry = for_user(request.user, Inquiry.objects.filter(tracking_code=tracking_code)).first()
        if inquiry is None:
            raise NotFound(_("No such inquiry."))
        payload = self.Input(data=request.data)
        payload.is_valid(raise_exception=True)
        inquiry = services.inquiry_answer(
            inquiry_id=inquiry.pk, text=payload.validated_data.get("text", ""), actor=request.user
        )
        return Response(self.Output(inquiry).data)


class FaqListApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class Output(serializers.Serializer):
        class Meta:
            ref_name = "FaqListOutput"

        id = serializers.IntegerField()
        category = serializers.CharField(source="category.code")
        question = serializers.CharField()
        answer = serializers.CharField()
        published_at = serializers.DateTimeField()

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words to find, accents and case ignored"),
            OpenApiParameter("category", str, description="A category code"),
        ],
        responses={200: Output(many=True), **error_responses(400)},
        summary="Published questions and answers (public)",
        tags=["FAQ"],
    )
    def get(self, request):
        entries = selectors.faq_search(filters=request.query_params)[:100]
        return Response(self.Output(entries, many=True).data)
