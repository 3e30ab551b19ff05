"""Background steps of large roster imports, run by `manage.py db_worker`.

Arguments are plain ids (django-tasks stores them as JSON); the work itself
is rosters.services, the same code the inline path runs. Whether a step runs
inline or here is decided in this module, so that rosters.services never
needs to import it back.
"""

from django_tasks import task

from . import services
from .models import RosterImport

QUEUE = "rosters"


def _job(import_id):
    return RosterImport.objects.select_related("node", "user").get(pk=import_id)


@task(backend="background", queue_name=QUEUE)
def check_roster_import(import_id):
    return services.check_import(_job(import_id)).status


@task(backend="background", queue_name=QUEUE)
def apply_roster_import(import_id, valid_only, expected):
    job = services.apply_import(
        _job(import_id), valid_only=valid_only, expected=expected
    )
    return job.status


# --- Inline or in the background ------------------------------------------------------------


def start_check(job):
    if not job.background:
        return services.check_import(job)
    job.task_id = str(check_roster_import.enqueue(job.pk).id)
    job.save(update_fields=["task_id"])
    return job


def start_apply(job, *, valid_only, expected):
    """Start the import unless it was already started (a second click, say)."""
    started = RosterImport.objects.filter(
        pk=job.pk, status=RosterImport.Status.CHECKED
    ).update(status=RosterImport.Status.IMPORTING)
    if not started:
        raise services.ConfirmationRefused("这次导入已经开始或已经结束，不能再次确认")
    job.status = RosterImport.Status.IMPORTING
    if not job.background:
        return services.apply_import(job, valid_only=valid_only, expected=expected)
    job.task_id = str(apply_roster_import.enqueue(job.pk, valid_only, expected).id)
    job.save(update_fields=["task_id"])
    return job


def background_state(job):
    """ "queued", "running" or "lost" for a background step in progress, else "".

    Only reads: "lost" (the task ended, or its result is gone, while the job
    still says it is running: the worker died) is recorded by
    services.fail_lost_import when the user asks.
    """
    if not (job.is_running and job.background and job.task_id):
        return ""
    try:
        status = check_roster_import.get_backend().get_result(job.task_id).status
    except Exception:  # the result was pruned or never stored
        status = "FAILED"
    if status == "READY":
        return "queued"
    if status == "RUNNING":
        return "running"
    job.refresh_from_db(fields=["status"])
    return "lost" if job.is_running else ""
