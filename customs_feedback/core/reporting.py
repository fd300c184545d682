"""The periodic report (Báo cáo kết quả) for a month, a quarter or a year, per department or per branch.

Each feature app contributes its section from its `report.py` (discovered at start-up, like the dashboard
panels), computing every figure with aggregate queries over `ReportScope.rows(...)`, which applies the one
scoping function; the shared package never imports a feature app. The same `Report` is rendered as a
printable page, a PDF and an XLSX (`customs_feedback.core.report_render`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customs_feedback.core.registry import providers_in_order, register_provider
from customs_feedback.organization.roles import Role, user_roles
from customs_feedback.organization.scoping import for_user

PERIOD_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")


class ReportError(ValueError):
    """A period, branch or reader the report cannot be made for (shown to the user as is)."""


@dataclass(frozen=True)
class Period:
    code: str  # 2026-11, 2026-Q4 or 2026
    first_day: date
    last_day: date  # inclusive

    @classmethod
    def parse(cls, code: str) -> Period:
        match = PERIOD_PATTERN.match((code or "").strip())
        if not match:
            raise ReportError(_("A period is written 2026-11 (month), 2026-Q4 (quarter) or 2026 (year)."))
        year = int(match["year"])
        if match["month"]:
            first_month, months = int(match["month"]), 1
        elif match["quarter"]:
            first_month, months = 3 * int(match["quarter"]) - 2, 3
        else:
            first_month, months = 1, 12
        first_day = date(year, first_month, 1)
        next_month = first_month + months
        after = date(year + (next_month - 1) // 12, (next_month - 1) % 12 + 1, 1)
        return cls(code=match.group(0), first_day=first_day, last_day=after - timedelta(days=1))

    @classmethod
    def month_before(cls, day: date) -> Period:
        last = day.replace(day=1) - timedelta(days=1)
        return cls.parse(f"{last:%Y-%m}")

    @property
    def start(self) -> datetime:
        """The first instant of the period, Vietnam time."""
        return timezone.make_aware(datetime.combine(self.first_day, time.min))

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.last_day + timedelta(days=1), time.min))

    @property
    def label(self) -> str:
        if "Q" in self.code:
            return _("Quarter %(quarter)s/%(year)s") % {"quarter": self.code[-1], "year": self.first_day.year}
        if len(self.code) == 4:
            return _("Year %(year)s") % {"year": self.code}
        return _("Month %(month)s") % {"month": f"{self.first_day:%m/%Y}"}


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "int"  # int, decimal (2 places), percent (a share 0..1), text, date


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    @property
    def display_rows(self) -> list[list[tuple[str, str]]]:
        """Each cell as (text in the active language's number and date format, column kind)."""
        return [
            [(format_cell(value, column.kind), column.kind) for value, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]


def format_cell(value, kind: str) -> str:
    from django.utils import formats

    if value is None or value == "":
        return "–"
    if kind == "int":
        return formats.number_format(value, 0, force_grouping=True)
    if kind == "decimal":
        return formats.number_format(value, 2, force_grouping=True)
    if kind == "percent":
        return formats.number_format(value * 100, 1, force_grouping=True) + " %"
    if kind == "date":
        return formats.date_format(timezone.localtime(value) if isinstance(value, datetime) else value, "d/m/Y")
    return str(value)


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    period: Period
    branch: object | None  # the Branch the report is limited to, or None for the department
    sections: list[Section]
    generated_at: datetime

    @property
    def title(self) -> str:
        return _("Results report")

    @property
    def unit(self) -> str:
        return str(self.branch) if self.branch is not None else _("Whole department")


@dataclass(frozen=True)
class ReportScope:
    """What a section provider may count: the reader's scope, the period, and an optional branch."""

    user: object | None  # None: a trusted system interface (the command, the scheduled job) for the department
    period: Period
    branch: object | None
    # Figures one provider computed that another section of the same report reads too (one build, one reader).
    shared: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def rows(self, queryset: QuerySet, branch_lookup: str | None) -> QuerySet:
        """The rows of `queryset` inside the reader's scope and, when one is chosen, the branch."""
        if self.user is not None:
            queryset = for_user(self.user, queryset)
        if self.branch is not None and branch_lookup:
            queryset = queryset.filter(**{branch_lookup: self.branch.pk})
        return queryset


Provider = Callable[[ReportScope], Section | None]
_providers: list[tuple[int, str, Provider]] = []


def report_section(order: int) -> Callable[[Provider], Provider]:
    """Register a provider of one section of the report (called at import of an app's report.py)."""
    return register_provider(_providers, order)


READER_ROLES = frozenset({Role.DEPARTMENT_LEADERSHIP, Role.BRANCH_LEADER})
READER_ROLES_LABEL = gettext_lazy("department leadership and branch leaders")


def may_read_report(user) -> bool:
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    return user.is_superuser or bool(user_roles(user) & READER_ROLES)


def report_build(*, period: Period, user=None, branch_code: str = "") -> Report:
    """The report for `period`, limited to `branch_code` when given and to what `user` may see when given."""
    from customs_feedback.organization.models import Branch

    if user is not None and not may_read_report(user):
        raise ReportError(_("Only %(roles)s may read the results report.") % {"roles": READER_ROLES_LABEL})
    branch = None
    if branch_code:
        branches = Branch.objects.all() if user is None else for_user(user, Branch.objects.all())
        branch = branches.filter(code=branch_code.strip().upper()).first()
        if branch is None:
            raise ReportError(_("There is no branch %(code)s that you may report on.") % {"code": branch_code})
    elif user is not None:
        from customs_feedback.organization.scoping import user_branch_ids

        branch_ids = user_branch_ids(user)
        if branch_ids is not None:  # a branch leader: the report is their branch's
            branch = Branch.objects.filter(pk__in=branch_ids).first()
            if branch is None:
                raise ReportError(_("Your account is not attached to a branch."))
    scope = ReportScope(user=user, period=period, branch=branch)
    sections = [section for provider in providers_in_order(_providers) if (section := provider(scope))]
    return Report(period=period, branch=branch, sections=sections, generated_at=timezone.now())


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as a dash)."""
    return part / whole if whole else None
