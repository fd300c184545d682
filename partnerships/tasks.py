from celery import shared_task


@shared_task(name="partnerships.expire_unconfirmed", acks_late=True)
def agreements_expire_unconfirmed() -> int:
    """Expire agreements whose confirmation link ran out (periodic; safe to run twice)."""
    from partnerships.services import agreements_expire_unconfirmed as expire

    return expire()
