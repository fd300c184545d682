"""Demo enterprises with valid Hai Phong tax codes."""

from __future__ import annotations

from django.utils.translation import gettext as _
from stdnum.vn import mst

from customs_feedback.core.demo import DemoContext, seeder
from customs_feedback.organization.models import Branch
from partnerships.models import Agreement, AgreementStatus, Enterprise

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
    branches = list(Branch.objects.order_by("code"))
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
                "branch": branches[index % len(branches)] if branches else None,
            },
        )
    context.out.write(f"Enterprises: {Enterprise.objects.count()}.")


HISTORICAL = 40  # the first enterprises signed on paper in 2019–2020 and are imported


@seeder(order=25)
def seed_agreements(context: DemoContext) -> None:
    """Historical agreements in force, one suspended, requests waiting for review and one countersigned online."""
    import csv
    import io

    from django.contrib.auth import get_user_model

    from partnerships import services
    from partnerships.importing import import_agreements

    enterprises = list(Enterprise.objects.filter(tax_code__in=demo_tax_codes(DEMO_ENTERPRISES)).order_by("tax_code"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["tax_code", "company_name", "address", "representative_name", "email", "phone", "signed_on"])
    for index, enterprise in enumerate(enterprises[:HISTORICAL]):
        signed_on = f"{2019 + index // 24}-{index % 12 + 1:02d}-{5 + index % 20:02d}"
        writer.writerow(
            [
                enterprise.tax_code,
                enterprise.name_vi,
                enterprise.address,
                enterprise.representative_name,
                enterprise.email,
                enterprise.phone,
                signed_on,
            ]
        )
    buffer.seek(0)
    import_agreements(buffer, source_name="demo")

    desk = get_user_model().objects.filter(username="hoptac").first()
    suspended = Agreement.objects.filter(enterprise=enterprises[3], status=AgreementStatus.ACTIVE).first()
    if suspended and desk:
        services.agreement_suspend(
            agreement_id=suspended.pk,
            actor=desk,
            reason="Doanh nghiệp đang bị điều tra về hành vi gian lận thương mại.",
        )
    online = enterprises[HISTORICAL : HISTORICAL + 4]
    for offset, enterprise in enumerate(online):
        if Agreement.objects.filter(enterprise=enterprise).exists():
            continue
        signed = services.agreement_sign(
            tax_code=enterprise.tax_code,
            company_name=enterprise.name_vi,
            address=enterprise.address,
            representative_name=enterprise.representative_name,
            representative_title=enterprise.representative_title,
            email=enterprise.email,
            phone=enterprise.phone,
            language=enterprise.language,
            accept_terms=True,
            ip="113.160.1.20",
            user_agent="Mozilla/5.0 (Linux; Android 14; SM-A546E) Mobile",
        )
        if offset == 3:
            continue  # this one has not opened its email yet
        services.agreement_confirm(token=signed.token)
        if offset == 0 and desk:
            services.agreement_countersign(agreement_id=signed.agreement.pk, actor=desk)
    context.out.write(
        f"Agreements: {Agreement.objects.filter(status=AgreementStatus.ACTIVE).count()} in force, "
        f"{Agreement.objects.filter(status=AgreementStatus.PENDING_REVIEW).count()} waiting for review."
    )


def demo_portal_companies() -> tuple[Enterprise | None, Enterprise | None]:
    """(the company whose agreement was countersigned online: users and a certificate on the portal,
    the company that chose the daily digest of rating invitations)."""
    enterprises = list(Enterprise.objects.filter(tax_code__in=demo_tax_codes(DEMO_ENTERPRISES)).order_by("tax_code"))
    if len(enterprises) <= HISTORICAL:
        return None, None
    return enterprises[HISTORICAL], enterprises[0]


@seeder(order=27)
def seed_enterprise_users(context: DemoContext) -> None:
    """Users of the portal's demo company (its contact is the manager; a declarant and a viewer), and the
    company that receives one daily digest instead of one mail per declaration."""
    from partnerships.models import EnterpriseUser, MemberEvent, MemberRole, RatingInvitationMode

    portal_company, digest_company = demo_portal_companies()
    if portal_company is None:
        return
    people = [
        (portal_company.email, portal_company.representative_name, MemberRole.MANAGER, True),
        (f"khaibao.{portal_company.email}", "Trần Thị Thu", MemberRole.DECLARANT, False),
        (f"ketoan.{portal_company.email}", "Lê Văn Minh", MemberRole.VIEWER, False),
    ]
    for email, name, role, representative in people:
        member, created = EnterpriseUser.objects.get_or_create(
            enterprise=portal_company,
            email=email.lower(),
            defaults={"name": name, "role": role, "is_representative": representative},
        )
        if created:
            MemberEvent.objects.create(
                enterprise=portal_company,
                member=member,
                subject_email=member.email,
                to_status="active",
                note=_("Representative contact registered") if representative else _("Invitation accepted"),
            )
    Enterprise.objects.filter(pk=digest_company.pk).update(rating_invitations=RatingInvitationMode.DAILY)
    context.out.write(
        f"Enterprise portal (/doanh-nghiep/): tax code {portal_company.tax_code}, sign in as {portal_company.email} "
        f"(manager), khaibao.{portal_company.email} (declarant) or ketoan.{portal_company.email} (viewer); "
        f"the code arrives by mail. {digest_company.tax_code} gets the daily digest of rating invitations."
    )
