"""Periodic upkeep of live discussion (Celery beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task
def prune_live_logs() -> int:
    """Drops the live event logs older than LIVE_LOG_DAYS: catching up stays quick, the tables small."""
    return services.logs_prune()
