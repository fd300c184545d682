"""Demo enterprises with valid Hai Phong tax codes."""

from __future__ import annotations

from stdnum.vn import mst

from customs_feedback.core.demo import DemoContext, seeder
from partnerships.models import Enterprise

KINDS = [("Công ty TNHH", "Co., Ltd."), ("Công ty Cổ phần", "Joint Stock Company")]
TRADES = [
    ("Vận tải biển", "Shipping"),
    ("Logistics", "Logistics"),
    ("Thép", "Steel"),
    ("Điện tử", "Electronics"),
    ("May mặc", "Garment"),
    ("Thủy sản", "Seafood"),
    ("Xuất nhập khẩu", "Import Export"),
    ("Nhựa", "Plastics"),
    ("Cơ khí", "Engineering"),
    ("Giày da", "Footwear"),
    ("Gỗ", "Timber"),
    ("Hóa chất", "Chemicals"),
]
PLACES = [
    ("Hải Phòng", "Hai Phong"),
    ("Đình Vũ", "Dinh Vu"),
    ("Cát Hải", "Cat Hai"),
    ("Tràng Duệ", "Trang Due"),
    ("Nam Cầu Kiền", "Nam Cau Kien"),
    ("Lạch Huyện", "Lach Huyen"),
    ("Thủy Nguyên", "Thuy Nguyen"),
]
STREETS = ["Lê Hồng Phong", "Lạch Tray", "Điện Biên Phủ", "Trần Phú", "Ngô Quyền", "Đà Nẵng", "Tôn Đức Thắng"]
REPRESENTATIVES = ["Nguyễn Văn Hùng", "Trần Thị Lan", "Phạm Minh Tuấn", "Lê Thu Hà", "Vũ Quốc Bảo", "Đỗ Ngọc Anh"]
DEMO_ENTERPRISES = 60


def demo_tax_codes(count: int) -> list[str]:
    """Valid MSTs with Hai Phong's province prefix 02, deterministic, skipping numbers with no check digit."""
    codes: list[str] = []
    sequence = 1000001
    while len(codes) < count:
        stem = f"02{sequence:07d}"
        check = mst.calc_check_digit(stem)
        if len(check) == 1:
            codes.append(stem + check)
        sequence += 7919
    return codes


@seeder(order=20)
def seed_enterprises(context: DemoContext) -> None:
    rng = context.rng
    for index, tax_code in enumerate(demo_tax_codes(DEMO_ENTERPRISES)):
        kind_vi, kind_en = KINDS[index % len(KINDS)]
        trade_vi, trade_en = TRADES[index % len(TRADES)]
        place_vi, place_en = PLACES[index % len(PLACES)]
        Enterprise.objects.update_or_create(
            tax_code=tax_code,
            defaults={
                "name_vi": f"{kind_vi} {trade_vi} {place_vi} {index + 1:02d}",
                "name_en": f"{place_en} {trade_en} {index + 1:02d} {kind_en}",
                "address": f"Số {rng.randint(1, 300)} {rng.choice(STREETS)}, {place_vi}, Hải Phòng",
                "representative_name": rng.choice(REPRESENTATIVES),
                "representative_title": "Giám đốc",
                "email": f"xnk{index + 1:02d}@doanhnghiep.example.vn",
                "phone": f"0225 3{rng.randint(100000, 999999)}",
                "language": "en" if index % 10 == 9 else "vi",
            },
        )
    context.out.write(f"Enterprises: {Enterprise.objects.count()}.")
