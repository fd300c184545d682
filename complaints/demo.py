"""Demo inquiries: a few in each status, answer templates and published FAQ entries (idempotent)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from complaints import services
from complaints.models import AnswerTemplate, FaqEntry, Inquiry, InquiryCategory
from customs_feedback.core.demo import DemoContext, seeder
from customs_feedback.organization.models import Branch, Official

DEMO_DOMAIN = "demo.example.vn"

# (category, subject, body, what happens next)
INQUIRIES = [
    (
        "procedures",
        "Thủ tục tạm nhập tái xuất máy móc thi công",
        "Công ty chúng tôi cần tạm nhập máy xúc để thi công dự án, xin hướng dẫn hồ sơ và thời hạn tái xuất.",
        "answer",
    ),
    (
        "tariff-classification",
        "Phân loại mã HS cho linh kiện điện tử",
        "Bo mạch đã gắn linh kiện dùng cho máy giặt thì phân loại vào nhóm 8450 hay 8537?",
        "assign",
    ),
    (
        "customs-valuation",
        "Trị giá hải quan khi có phí bản quyền",
        "Phí bản quyền trả cho bên bán có phải cộng vào trị giá tính thuế không?",
        "answer",
    ),
    (
        "origin",
        "C/O mẫu D nộp bổ sung",
        "Lô hàng nhập từ Thái Lan chưa có C/O tại thời điểm đăng ký tờ khai, có được nộp bổ sung không?",
        "answer",
    ),
    (
        "duties-taxes",
        "Hoàn thuế nhập khẩu nguyên liệu sản xuất xuất khẩu",
        "Hồ sơ hoàn thuế cho nguyên liệu nhập khẩu để sản xuất hàng xuất khẩu gồm những gì?",
        "new",
    ),
    (
        "inspection",
        "Kiểm tra thực tế hàng hóa luồng đỏ",
        "Tờ khai phân luồng đỏ, thời gian kiểm tra thực tế tối đa là bao lâu?",
        "assign",
    ),
    (
        "e-customs",
        "Lỗi E1234 khi truyền tờ khai trên ECUS",
        "Khi khai báo trên ECUS5-VNACCS chúng tôi nhận thông báo lỗi E1234, xin hướng dẫn khắc phục.",
        "answer",
    ),
    (
        "other",
        "Đăng ký tham gia hội nghị đối thoại doanh nghiệp",
        "Doanh nghiệp muốn đăng ký tham gia hội nghị đối thoại với Cục Hải quan quý tới.",
        "out_of_scope",
    ),
    (
        "procedures",
        "Thủ tục xuất khẩu tại chỗ",
        "Xin hướng dẫn thủ tục xuất nhập khẩu tại chỗ giữa doanh nghiệp chế xuất và doanh nghiệp nội địa.",
        "new",
    ),
]
ANSWERS = {
    "Thủ tục tạm nhập tái xuất máy móc thi công": "Kính gửi Quý doanh nghiệp, hồ sơ tạm nhập thực hiện theo Điều 50 "
    "Thông tư 38/2015/TT-BTC (sửa đổi bởi Thông tư 39/2018/TT-BTC); thời hạn tái xuất theo thời hạn hợp đồng thuê.",
    "Trị giá hải quan khi có phí bản quyền": "Phí bản quyền là khoản điều chỉnh cộng nếu liên quan đến hàng nhập khẩu "
    "và là điều kiện mua bán, theo Điều 13 Thông tư 39/2015/TT-BTC.",
    "C/O mẫu D nộp bổ sung": "Doanh nghiệp khai báo việc nộp bổ sung C/O trên tờ khai và nộp trong thời hạn 1 năm kể từ "
    "ngày đăng ký tờ khai, theo Thông tư 33/2023/TT-BTC.",
    "Lỗi E1234 khi truyền tờ khai trên ECUS": "Lỗi do chỉ tiêu mã địa điểm lưu kho không hợp lệ; vui lòng cập nhật "
    "danh mục mới nhất trên ECUS và khai lại.",
}
# Answer templates hold the answer only: the notice greets the submitter and signs with the unit's name.
TEMPLATES = [
    (
        "Hướng dẫn chung về thủ tục",
        "procedures",
        "Về vướng mắc của Quý doanh nghiệp, Cục Hải quan thành phố Hải Phòng hướng dẫn như sau:\n…",
    ),
    (
        "Đề nghị bổ sung thông tin",
        None,
        "Để có cơ sở trả lời, đề nghị Quý doanh nghiệp bổ sung: số tờ khai, mô tả hàng hóa, tài liệu kỹ thuật.",
    ),
    (
        "Không thuộc thẩm quyền",
        "other",
        "Nội dung vướng mắc không thuộc thẩm quyền giải quyết của cơ quan hải quan; đề nghị Quý doanh nghiệp liên hệ "
        "cơ quan thuế quản lý trực tiếp.",
    ),
]


@seeder(order=40)
def seed_inquiries(context: DemoContext) -> None:
    for title, category_code, text in TEMPLATES:
        AnswerTemplate.objects.update_or_create(
            title=title,
            defaults={"text": text, "category": InquiryCategory.objects.filter(code=category_code).first()},
        )
    if Inquiry.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").exists():
        context.out.write("Inquiries: demo data already present.")
        return
    desk = get_user_model().objects.filter(username="vuongmac").first()
    branch = Branch.objects.filter(code="03CC").first()
    officer = Official.objects.filter(code="03CC-TTHQ-01").first()
    for number, (category_code, subject, body, outcome) in enumerate(INQUIRIES, start=1):
        inquiry = services.inquiry_submit(
            name=context.rng.choice(["Nguyễn Văn Hùng", "Trần Thị Lan", "Công ty TNHH Logistics Đình Vũ"]),
            email=f"vuongmac{number}@{DEMO_DOMAIN}",
            phone="0225 3836 000",
            category_code=category_code,
            subject=subject,
            body=body,
        )
        if desk is None or branch is None:
            continue
        if outcome in {"assign", "answer"}:
            services.inquiry_assign(
                inquiry_id=inquiry.pk, branch_id=branch.pk, assignee_id=officer.pk if officer else None, actor=desk
            )
        if outcome == "answer":
            services.inquiry_answer(inquiry_id=inquiry.pk, text=ANSWERS[subject], actor=desk)
            services.faq_publish(inquiry_id=inquiry.pk, question=body, answer=ANSWERS[subject], actor=desk)
        if outcome == "out_of_scope":
            services.inquiry_resolve(
                inquiry_id=inquiry.pk,
                status="out_of_scope",
                reason="Không phải vướng mắc về thủ tục hải quan.",
                actor=desk,
            )
    context.out.write(
        f"Inquiries: {Inquiry.objects.count()} inquiries, {FaqEntry.objects.count()} FAQ entries, "
        f"{AnswerTemplate.objects.count()} answer templates."
    )
