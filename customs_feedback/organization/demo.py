"""Demo organisation modelled on Hai Phong Customs: branches, working teams, officials, staff accounts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from customs_feedback.core.demo import DemoContext, seeder
from customs_feedback.organization.models import Branch, Official, Team
from customs_feedback.organization.roles import Role

BRANCHES = [
    ("03CC", "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực I", "Hai Phong Port Customs Branch, Region I"),
    ("03EE", "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực II", "Hai Phong Port Customs Branch, Region II"),
    ("03CE", "Chi cục Hải quan cửa khẩu cảng Hải Phòng khu vực III", "Hai Phong Port Customs Branch, Region III"),
    ("03PA", "Chi cục Hải quan cửa khẩu cảng Đình Vũ", "Dinh Vu Port Customs Branch"),
    ("03TG", "Chi cục Hải quan quản lý hàng đầu tư", "Investment Goods Customs Branch"),
    ("03NK", "Chi cục Hải quan quản lý hàng gia công", "Processing Goods Customs Branch"),
    (
        "03PL",
        "Chi cục Hải quan khu chế xuất và khu công nghiệp Hải Phòng",
        "Hai Phong Export Processing and Industrial Zones Customs Branch",
    ),
    ("03PJ", "Chi cục Hải quan khu công nghiệp VSIP Hải Phòng", "VSIP Hai Phong Industrial Park Customs Branch"),
    ("03DD", "Chi cục Hải quan Thái Bình", "Thai Binh Customs Branch"),
    ("03TR", "Chi cục Hải quan cảng Lạch Huyện", "Lach Huyen Port Customs Branch"),
]
TEAMS = [
    ("TTHQ", "Đội Thủ tục hàng hóa xuất nhập khẩu", "Import–Export Procedures Team"),
    ("KTTH", "Đội Kiểm tra thực tế hàng hóa", "Physical Inspection Team"),
    ("GSHQ", "Đội Giám sát hải quan", "Customs Supervision Team"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Quốc", "Hữu", "Ngọc"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hương",
    "Khánh",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
]
TITLES = ["Công chức", "Kiểm tra viên hải quan", "Kiểm tra viên chính hải quan"]

# (username, role, official code or None): the branch roles are staff of the first branch, 03CC.
STAFF_ACCOUNTS = [
    ("lanhdao", Role.DEPARTMENT_LEADERSHIP, None),
    ("truongchicuc", Role.BRANCH_LEADER, "03CC-LEADER"),
    ("canbo", Role.BRANCH_OFFICER, "03CC-TTHQ-01"),
    ("hoptac", Role.PARTNERSHIP_DESK, None),
    ("vuongmac", Role.INQUIRY_DESK, None),
    ("thanhtra", Role.INSPECTION_DESK, None),
    ("congchuc", Role.OFFICIAL, "03CC-TTHQ-02"),
]


def _person_name(context: DemoContext) -> str:
    rng = context.rng
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


@seeder(order=10)
def seed_organization(context: DemoContext) -> None:
    for code, name_vi, name_en in BRANCHES:
        branch, _created = Branch.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "address": "Hải Phòng"}
        )
        Official.objects.update_or_create(
            code=f"{code}-LEADER",
            defaults={"full_name": _person_name(context), "title": "Chi cục trưởng", "branch": branch, "team": None},
        )
        for team_code, team_vi, team_en in TEAMS:
            team, _created = Team.objects.update_or_create(
                branch=branch, code=team_code, defaults={"name_vi": team_vi, "name_en": team_en}
            )
            for number in range(1, 5):
                Official.objects.update_or_create(
                    code=f"{code}-{team_code}-{number:02d}",
                    defaults={
                        "full_name": _person_name(context),
                        "title": context.rng.choice(TITLES),
                        "branch": branch,
                        "team": team,
                    },
                )
    context.out.write(
        f"Organisation: {Branch.objects.count()} branches, {Team.objects.count()} teams, "
        f"{Official.objects.count()} officials."
    )
    _seed_staff_accounts(context)


def _seed_staff_accounts(context: DemoContext) -> None:
    User = get_user_model()
    admin = User.objects.filter(username="admin").first() or User(username="admin")
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.email = "admin@haiquan.example.vn"
    admin.set_password(context.password)
    admin.save()
    context.accounts.append(("admin", "Superuser", "everything"))

    for username, role, official_code in STAFF_ACCOUNTS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.is_staff, user.is_active, user.is_superuser = True, True, False
        user.email = f"{username}@haiquan.example.vn"
        user.set_password(context.password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        scope = ""
        if official_code:
            official = Official.objects.get(code=official_code)
            Official.objects.filter(user=user).exclude(pk=official.pk).update(user=None)
            official.user = user
            official.save(update_fields=["user"])
            user.first_name, user.last_name = (
                official.full_name.rsplit(" ", 1)[-1],
                official.full_name.rsplit(" ", 1)[0],
            )
            user.save(update_fields=["first_name", "last_name"])
            scope = f"{official.branch.code} {official.full_name}"
        context.accounts.append((username, str(Role(role).label), scope))
