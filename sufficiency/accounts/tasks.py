"""Account emails sent by a worker: the request that asked for them answers at once, whatever happens."""

from __future__ import annotations

from celery import shared_task

from .services import password_reset_email_send


@shared_task(name="accounts.password_reset_email_send_task", ignore_result=True)
def password_reset_email_send_task(user_id: int, domain: str, use_https: bool) -> None:
    """Send the password reset link to one account (ids only over the wire; the link is made here)."""
    password_reset_email_send(user_id=user_id, domain=domain, use_https=use_https)
