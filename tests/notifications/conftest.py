from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from customs_feedback.notifications.kinds import KINDS

MOMENT = datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SAMPLE_VALUES = {
    "company_name": "Công ty TNHH Vận tải Biển Đông & Cộng sự",
    "reference": "MOU-7K3QX9",
    "confirm_url": "http://testserver/doi-tac/xac-nhan/abc/",
    "expires_at": MOMENT,
    "number": "HP-2026-00042",
    "activated_at": MOMENT,
    "verify_url": "http://testserver/doi-tac/xac-minh/HP-2026-00042/",
    "reason": "Thiếu thông tin người đại diện",
    "declaration_number": "105123456789",
    "cleared_at": MOMENT,
    "branch_name": "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I",
    "rate_url": "http://testserver/danh-gia/xyz/",
    "conclusion": "Có cơ sở",
    "action_taken": "Nhắc nhở cán bộ",
    "case_reference": "CASE-12",
    "due_date": MOMENT.date(),
    "admin_url": "http://testserver/admin/",
    "escalated": True,
    "name": "Nguyễn Văn A",
    "tracking_code": "VM-4K7P-9QX2",
    "subject": "Thủ tục tạm nhập tái xuất",
    "tracking_url": "http://testserver/vuong-mac/VM-4K7P-9QX2/",
    "answer": "Doanh nghiệp thực hiện theo Điều 86 Thông tư 38/2015/TT-BTC.",
    "unit_name": "Cục Hải quan thành phố Hải Phòng",
    # Enterprise portal (sign-in code, colleague invitation, daily digest of rating invitations).
    "tax_code": "0100233488",
    "code": "042917",
    "minutes": 10,
    "invited_by": "Nguyễn Văn Hùng",
    "role": "Khai báo",
    "day": MOMENT.date(),
    "declarations": [
        {
            "number": "105123456789",
            "cleared_at": MOMENT,
            "branch_name": "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I",
            "rate_url": "http://testserver/ratings/rate/xyz/",
        }
    ],
    "portal_url": "http://testserver/doanh-nghiep/declarations/",
    "note": "Doanh nghiệp đã khắc phục vi phạm",
    "version": 2,
    "title": "Thỏa thuận hợp tác Hải quan – Doanh nghiệp (sửa đổi)",
    "accept_url": "http://testserver/partnerships/accept/abc/",
    # trust loop (issue 11)
    "measure": "Nhắc nhở",
    "status_url": "http://testserver/ratings/status/abc/",
    "contest_until": MOMENT.date(),
    "decision": "Khôi phục đánh giá",
    "rating_id": 42,
    "explanation_due": MOMENT.date(),
    "appeal_until": MOMENT.date(),
    "record_url": "http://testserver/admin/ratings/followupcase/official/7/",
    "period_label": "Tháng 11/2026",
    "unit": "Toàn Cục",
    "report_url": "http://testserver/admin/report/?period=2026-11",
}


def sample_context(kind: str) -> dict:
    return {name: SAMPLE_VALUES[name] for name in KINDS[kind].context}


@pytest.fixture
def notice_kwargs():
    def make(kind="inquiry_acknowledged", *, key="test-key-1", recipient="dn@example.vn", language="vi", **extra):
        return {
            "kind": kind,
            "recipient": recipient,
            "language": language,
            "context": sample_context(kind),
            "idempotency_key": key,
            **extra,
        }

    return make
