"""What every CSV import command reports about the rows it refused: the first ones on screen, all of
them in a --rejects CSV file (line, reason)."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

SHOWN = 20


def describe_errors(errors: Mapping[str, Sequence[object]]) -> str:
    """`{"field": ["message", ...]}` as one line: `field: message message; other: message`."""
    return "; ".join(f"{field}: {' '.join(str(message) for message in messages)}" for field, messages in errors.items())


def report_rejected(
    out: TextIO, rejected: Sequence[tuple[int, str]], *, rejects: Path | None, shown: int = SHOWN
) -> None:
    """Write the first `shown` rejected rows to `out` and, when asked, every one of them to `rejects`."""
    for line, reason in rejected[:shown]:
        out.write(f"  line {line}: {reason}\n")
    if len(rejected) > shown:
        out.write(f"  … and {len(rejected) - shown} more" + ("\n" if rejects else " (see --rejects)\n"))
    if rejects:
        with rejects.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "reason"])
            writer.writerows(rejected)
