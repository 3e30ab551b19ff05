"""Large 名册 prints, run by `manage.py db_worker --queue-name pdf` (see pdf.printing)."""

from django_tasks import task

from . import printing
from .models import RosterPrint

QUEUE = "pdf"
RUNNING_STATES = {"READY": "queued", "RUNNING": "running"}


@task(backend="background", queue_name=QUEUE)
def render_roster_print(print_id):
    job = RosterPrint.objects.select_related("node", "user").get(pk=print_id)
    return printing.run_roster_print(job).status


def start_roster_print(job):
    job.task_id = str(render_roster_print.enqueue(job.pk).id)
    job.save(update_fields=["task_id"])
    return job


def background_state(job):
    """ "queued", "running" or "lost" while the job runs, else "" (only reads)."""
    if not (job.is_running and job.task_id):
        return ""
    try:
        status = render_roster_print.get_backend().get_result(job.task_id).status
    except Exception:  # the result was pruned or never stored
        status = "FAILED"
    if status in RUNNING_STATES:
        return RUNNING_STATES[status]
    job.refresh_from_db(fields=["status"])
    return "lost" if job.is_running else ""
