import contextlib
import os

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown, worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pixorga.settings")

app = Celery("pixorga")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# The worker (which runs the tasks itself with `-P solo`) and each child of the prefork pool.
@worker_ready.connect
@worker_process_init.connect
def _start_heartbeat(**kwargs):
    from lib.heartbeat import start_beating

    start_beating()


@worker_shutdown.connect
@worker_process_shutdown.connect
def _stop_heartbeat(**kwargs):
    from lib.heartbeat import stop_beating

    # A stop without the database still stops; the row then just ages out.
    with contextlib.suppress(Exception):
        stop_beating()
