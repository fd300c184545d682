from celery import shared_task


@shared_task(name="core.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Scheduled every minute: proves to /healthz/ that a worker consumes the queue and beat schedules."""
    from customs_feedback.core.services import heartbeat_record

    heartbeat_record(component="worker")
