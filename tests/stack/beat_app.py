"""The project's Celery app with one more beat entry, so that the stack tests see beat send a task:
`celery -A tests.stack.beat_app beat` (deploy/Procfile runs `-A config`)."""

from config.celery import app

app.conf.beat_schedule = {
    **app.conf.beat_schedule,
    "stack-test-healthz-echo": {"task": "home.tasks.healthz_echo", "schedule": 1.0, "args": ("from-beat",)},
}
