"""Agreements in each status, built through the services so the evidence and events are real."""

from __future__ import annotations

from partnerships import services
from partnerships.models import Agreement
from tests.factories import valid_tax_code

_counter = iter(range(50_000, 10_000_000))


def sign(**overrides) -> services.SignedAgreement:
    seed = next(_counter)
    fields = {
        "tax_code": valid_tax_code(seed),
        "company_name": f"Công ty TNHH Vận tải biển Đình Vũ {seed}",
        "address": "Số 5 Lê Hồng Phong, Ngô Quyền, Hải Phòng",
        "representative_name": "Nguyễn Văn Hùng",
        "representative_title": "Giám đốc",
        "email": f"xnk{seed}@doanhnghiep.example.vn",
        "phone": "0225 3842 123",
        "language": "vi",
        "accept_terms": True,
        "ip": "203.113.1.10",
        "user_agent": "Mozilla/5.0 (Linux; Android 14) Mobile",
    }
    fields.update(overrides)
    return services.agreement_sign(**fields)


def pending_review(**overrides) -> Agreement:
    signed = sign(**overrides)
    return services.agreement_confirm(token=signed.token)


def active(actor, **overrides) -> Agreement:
    agreement = pending_review(**overrides)
    return services.agreement_countersign(agreement_id=agreement.pk, actor=actor)
