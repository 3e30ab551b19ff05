"""Printing a 名册: inline when small, a background job when large; logged either way.

A roster of a few hundred rows renders in a couple of seconds, within the
request; beyond INLINE_ROWS it becomes a RosterPrint that `manage.py
db_worker` renders (pdf.tasks), with its progress in the shared progress
cache and the file kept privately for RETENTION. Every print is logged on
the node as a 名册 export (registry.services.record_bulk_export) before any
page is handed out: it lists names and, for editors, full phone numbers.
"""

from datetime import timedelta

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from registry import selectors
from registry import services as registry_services

from .models import RosterPrint
from .rendering import RenderError
from .roster import render_roster

INLINE_ROWS = 300
RETENTION = timedelta(days=7)
PROGRESS_TIMEOUT = 6 * 3600


def roster_size(node, *, subtree):
    return selectors.roster_memberships(node, subtree=subtree).count()


def scope_of(subtree):
    return "subtree" if subtree else "node"


def roster_file_name(node, *, subtree):
    return f"{node.name}{'（含下级组织）' if subtree else ''}党员义工名册.pdf"


def print_roster_now(node, *, user, subtree, rows):
    """PDF bytes of the roster, rendered here (rows ≤ INLINE_ROWS), after logging it."""
    registry_services.record_bulk_export(
        node=node, user=user, rows=rows, full_id_numbers=False, scope=scope_of(subtree)
    )
    return render_roster(node, user=user, subtree=subtree)


def queue_roster_print(node, *, user, subtree, rows):
    """A RosterPrint waiting for the worker; logged now, as the file is the user's."""
    forget_expired_prints()
    with transaction.atomic():
        registry_services.record_bulk_export(
            node=node,
            user=user,
            rows=rows,
            full_id_numbers=False,
            scope=scope_of(subtree),
        )
        return RosterPrint.objects.create(
            node=node, user=user, subtree=subtree, rows=rows
        )


def run_roster_print(job):
    """Render a queued RosterPrint (the worker's step); a failure is recorded, not raised."""
    started = RosterPrint.objects.filter(
        pk=job.pk, status=RosterPrint.Status.QUEUED
    ).update(status=RosterPrint.Status.RUNNING)
    if not started:
        return job
    job.status = RosterPrint.Status.RUNNING
    try:
        data = render_roster(
            job.node,
            user=job.user,
            subtree=job.subtree,
            progress=lambda done, total: set_progress(job, done, total),
        )
    except RenderError as error:
        job.status, job.message = RosterPrint.Status.FAILED, str(error)
    else:
        job.file.save(
            roster_file_name(job.node, subtree=job.subtree),
            ContentFile(data),
            save=False,
        )
        job.status = RosterPrint.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "file", "finished_at"])
    return job


def fail_lost_print(job):
    """The worker died with the job running: say so, once the user asks."""
    updated = RosterPrint.objects.filter(
        pk=job.pk, status__in=[RosterPrint.Status.QUEUED, RosterPrint.Status.RUNNING]
    ).update(
        status=RosterPrint.Status.FAILED,
        message="后台生成意外中断（处理进程已停止），请重新打印。",
        finished_at=timezone.now(),
    )
    if updated:
        job.refresh_from_db()
    return job


def forget_expired_prints():
    """Printed files older than RETENTION are deleted with their jobs."""
    for job in RosterPrint.objects.filter(created_at__lt=timezone.now() - RETENTION):
        if job.file:
            job.file.delete(save=False)
        job.delete()


# --- Progress (a cache shared by the web and worker processes) ---------------------------


def _progress_key(job):
    return f"pdf:roster:{job.pk}"


def set_progress(job, done_pages, total_pages):
    caches["progress"].set(
        _progress_key(job), (done_pages, total_pages), PROGRESS_TIMEOUT
    )


def get_progress(job):
    """(pages done, pages in all); (0, 0) before the first part is done."""
    return caches["progress"].get(_progress_key(job), (0, 0))
