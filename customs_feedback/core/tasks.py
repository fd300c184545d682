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
