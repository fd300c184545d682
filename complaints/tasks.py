from celery import shared_task


@shared_task(name="complaints.close_quiet", ignore_result=True)
def close_quiet() -> int:
    """Close answered inquiries after the quiet period (safe to run twice)."""
    from complaints.services import inquiries_close_quiet

    return inquiries_close_quiet()


@shared_task(name="complaints.remind_overdue", ignore_result=True)
def remind_overdue() -> int:
    """Remind and escalate overdue inquiries (notices are keyed per day, so a second run sends nothing)."""
    from complaints.services import inquiries_remind_overdue

    return inquiries_remind_overdue()
