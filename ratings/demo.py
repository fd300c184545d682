"""Demo declarations over the last eight weeks, ratings on a share of them, and a few follow-up cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from customs_feedback.core.demo import DemoContext, seeder
from customs_feedback.organization.models import Official
from partnerships.models import Enterprise
from ratings.models import Declaration, FollowUpCase, LowScoreReason, Rating
from ratings.rollups import rollup_rebuild
from ratings.services import RatingInput, declarations_upsert, rating_submit

DEMO_DECLARATIONS = 600
COMMENTS = [
    "Cán bộ hướng dẫn tận tình, thủ tục nhanh gọn.",
    "Thông quan đúng hẹn.",
    "Thời gian kiểm tra thực tế hàng hóa còn kéo dài.",
    "Hướng dẫn chưa thống nhất giữa các bộ phận.",
    "",
]


@seeder(order=30)
def seed_ratings(context: DemoContext) -> None:
    rng = context.rng
    officials = list(Official.objects.filter(team__isnull=False).select_related("branch", "team").order_by("code"))
    enterprises = list(Enterprise.objects.order_by("tax_code").values_list("tax_code", flat=True)[:60])
    if not officials or not enterprises:
        return
    if Declaration.objects.filter(number=f"10{1:010d}").exists():
        # Seeded before: the demo history stays as it was (its times are relative to that first run).
        context.out.write(f"Ratings: {Declaration.objects.count()} declarations, {Rating.objects.count()} ratings.")
        return
    now = timezone.now()
    rows = []
    for index in range(DEMO_DECLARATIONS):
        official = officials[index % len(officials)]
        registered = now - timedelta(days=56 * (index + 1) / DEMO_DECLARATIONS, hours=rng.randint(2, 8))
        cleared = registered + timedelta(hours=rng.randint(1, 30)) if index >= 8 else None
        rows.append(
            {
                "number": f"10{index + 1:010d}",
                "tax_code": enterprises[rng.randrange(len(enterprises))],
                "branch_code": official.branch.code,
                "team_code": official.team.code,
                "official_code": official.code,
                "registered_at": registered.isoformat(),
                "cleared_at": cleared.isoformat() if cleared and cleared < now else None,
            }
        )
    declarations_upsert(rows=rows, invite=False)

    rated = 0
    for row in rows:
        if row["cleared_at"] is None or rng.random() > 0.12:
            continue
        cleared = datetime.fromisoformat(row["cleared_at"])
        if now - cleared > timedelta(days=29) or Rating.objects.filter(declaration__number=row["number"]).exists():
            continue
        scores = [min(5, max(1, round(rng.gauss(4.2, 0.9)))) for _target in range(3)]
        low = min(scores) <= 2
        rating = rating_submit(
            declaration_number=row["number"],
            tax_code=row["tax_code"],
            data=RatingInput(
                official_score=scores[0],
                team_score=scores[1],
                branch_score=scores[2],
                reason=rng.choice(LowScoreReason.values) if low else "",
                comment=rng.choice(COMMENTS),
            ),
        )
        # Spread the demo ratings over the days after clearance, as real ones would be.
        submitted = min(now, cleared + timedelta(hours=rng.randint(1, 72)))
        Rating.objects.filter(pk=rating.pk).update(submitted_at=submitted, submitted_on=timezone.localdate(submitted))
        rated += 1
    rated += _seed_overdue_case(rows, now)
    rated += _seed_inspection_case(enterprises[0], now)
    rollup_rebuild(date_from=timezone.localdate(now - timedelta(days=60)), date_to=timezone.localdate(now))
    context.out.write(f"Ratings: {len(rows)} declarations, {rated} new ratings ({Rating.objects.count()} in all).")


def _seed_overdue_case(rows: list[dict], now) -> int:
    """One low rating in 03CC whose follow-up case is past its deadline, so the branch leader's dashboard
    (truongchicuc) shows the journey from an overdue figure to closing the case."""
    for row in rows:
        if row["branch_code"] != "03CC" or row["cleared_at"] is None:
            continue
        if now - datetime.fromisoformat(row["cleared_at"]) > timedelta(days=20):
            continue
        if Rating.objects.filter(declaration__number=row["number"]).exists():
            continue
        rating = rating_submit(
            declaration_number=row["number"],
            tax_code=row["tax_code"],
            data=RatingInput(
                official_score=2,
                team_score=3,
                branch_score=3,
                reason=LowScoreReason.DELAY,
                comment="Hồ sơ bị treo hai ngày mà không được thông báo lý do.",
            ),
        )
        FollowUpCase.objects.filter(rating=rating).update(due_date=timezone.localdate(now) - timedelta(days=1))
        return 1
    return 0


def _seed_inspection_case(tax_code: str, now) -> int:
    """A 1★ rating of the 03CC branch leader's own work: its case goes to the inspection desk (thanhtra), and
    the leader (truongchicuc) may file an explanation from their record page."""
    cleared = now - timedelta(days=2)
    number = "109000000001"
    declarations_upsert(
        rows=[
            {
                "number": number,
                "tax_code": tax_code,
                "branch_code": "03CC",
                "team_code": "TTHQ",
                "official_code": "03CC-LEADER",
                "registered_at": (cleared - timedelta(hours=4)).isoformat(),
                "cleared_at": cleared.isoformat(),
            }
        ],
        invite=False,
    )
    rating_submit(
        declaration_number=number,
        tax_code=tax_code,
        data=RatingInput(
            official_score=1,
            team_score=3,
            branch_score=3,
            reason=LowScoreReason.ATTITUDE,
            comment="Lãnh đạo chi cục từ chối tiếp doanh nghiệp khi được đề nghị hướng dẫn.",
        ),
    )
    return 1


@seeder(order=35)
def seed_daily_digest(context: DemoContext) -> None:
    """Declarations cleared today for the company that chose the daily digest, and today's digest mail."""
    from partnerships.demo import demo_portal_companies
    from ratings.services import rating_digests_send

    _portal_company, digest_company = demo_portal_companies()
    official = Official.objects.filter(team__isnull=False).select_related("branch", "team").order_by("code").first()
    if digest_company is None or official is None:
        return
    now = timezone.now()
    rows = [
        {
            "number": f"20{index:010d}",
            "tax_code": digest_company.tax_code,
            "branch_code": official.branch.code,
            "team_code": official.team.code,
            "official_code": official.code,
            "registered_at": (now - timedelta(hours=6 + index)).isoformat(),
            "cleared_at": (now - timedelta(minutes=30 * index)).isoformat(),
        }
        for index in range(1, 4)
        if not Declaration.objects.filter(number=f"20{index:010d}").exists()
    ]
    if rows:
        declarations_upsert(rows=rows)  # invitations are queued as usual; this company's come in the digest
    result = rating_digests_send()
    context.out.write(
        f"Daily digest: {result.declarations} declarations of {digest_company.tax_code} listed in today's mail."
    )
