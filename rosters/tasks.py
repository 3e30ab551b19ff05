"""Background steps of large roster imports, run by `manage.py db_worker`.

Arguments are plain ids (django-tasks stores them as JSON); the work itself
is rosters.services, the same code the inline path runs.
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
