from celery import shared_task


@shared_task(name="core.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Scheduled every minute: proves to /healthz/ that a worker consumes the queue and beat schedules."""
    from customs_feedback.core.services import heartbeat_record

    heartbeat_record(component="worker")


@shared_task(name="core.retention_purge", ignore_result=True)
def retention_purge() -> int:
    """Scheduled daily: anonymise personal data past its retention period (core/privacy.py)."""
    from customs_feedback.core.privacy import retention_purge as purge

    return purge().changed_total


@shared_task(name="core.job_run", acks_late=True, ignore_result=True, soft_time_limit=3500, time_limit=3600)
def job_run(job_id: int) -> None:
    """Run one background job; safe to deliver twice (the second finds it started and returns)."""
    from customs_feedback.core.jobs import job_run as run

    run(job_id=job_id)


@shared_task(name="core.monthly_report", ignore_result=True)
def monthly_report() -> None:
    """Scheduled in the first days of each month: last month's results report to department leadership."""
    from django.utils import timezone

    from customs_feedback.core.reporting import Period
    from customs_feedback.core.services import report_send_to_leadership

    report_send_to_leadership(period_code=Period.month_before(timezone.localdate()).code)
