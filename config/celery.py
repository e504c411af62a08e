"""The Celery application; tasks are discovered in each app's tasks.py."""

import logging
import os
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _mask_worker_logs(logger: logging.Logger, **_: Any) -> None:
    # A worker replaces the root handlers with its own, outside LOGGING.
    from core.masking import mask_handler_output

    for handler in logger.handlers:
        mask_handler_output(handler)
