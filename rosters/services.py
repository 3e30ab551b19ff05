"""Roster imports from upload to result: rights, the confirmation token, transactions.

upload -> RosterImport (file kept privately, hashed) -> check (the preview:
every row checked, nothing written) -> the user confirms with a signed token
bound to them, the import and the file's hash -> apply (the same pass again,
inside one transaction, writing). A failed row, a changed plan or a crash
rolls everything back unless the user chose to import only the valid rows.
Large files run both passes in the background (rosters.tasks).
"""

import hashlib
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core import signing
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from registry import policy
from registry.models import OrgNode

from .exporting import FailedRowsWriter
from .importing import ImportAborted, RosterImporter
from .models import RosterImport
from .reading import FileRejected, limit, open_table

logger = logging.getLogger(__name__)

CONFIRM_SALT = "rosters.import.confirm"
CONFIRM_MAX_AGE = 2 * 60 * 60
PROGRESS_TIMEOUT = 24 * 60 * 60


class ConfirmationRefused(Exception):
    """The confirmation token does not fit this user, import or file."""


def require_import_right(user, node):
    policy.require(user, "import", node, f"您没有向“{node.name}”导入名册的权限")
    if node.status == OrgNode.Status.DISSOLVED:
        raise PermissionDenied(f"“{node.name}”已撤销，不能再导入名册")


def file_sha256(file):
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


# --- Upload ---------------------------------------------------------------------------


def create_import(*, node, user, upload):
    """Keep the uploaded file and decide inline or background; FileRejected if unreadable."""
    require_import_right(user, node)
    with open_table(upload) as table:
        # A workbook without a stored size: guess generously from the bytes.
        estimated = table.estimated_rows or upload.size // 50
    job = RosterImport(
        node=node,
        user=user,
        original_name=Path(upload.name).name[:255],
        sha256=file_sha256(upload),
        size=upload.size,
        estimated_rows=estimated,
        background=estimated > limit("BACKGROUND_ROWS"),
    )
    job.file.save(
        f"{job.uuid}{Path(upload.name).suffix.lower()[:10]}", upload, save=False
    )
    job.save()
    return job


# --- Progress (a cache shared by the web and worker processes) ----------------------------


def _progress_key(job):
    return f"rosters:progress:{job.pk}"


def set_progress(job, done):
    caches["progress"].set(_progress_key(job), done, PROGRESS_TIMEOUT)


def get_progress(job):
    return caches["progress"].get(_progress_key(job), 0)


# --- The check (preview) -------------------------------------------------------------------


@contextmanager
def _failed_rows_sink(job):
    """A FailedRowsWriter whose file, if any row failed, becomes job.failed_file."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "failed.xlsx"
        writer = FailedRowsWriter(path)
        yield writer
        if writer.close():
            if job.failed_file:
                job.failed_file.delete(save=False)
            with path.open("rb") as handle:
                job.failed_file.save(
                    f"{job.uuid}-failed.xlsx", File(handle), save=False
                )


def check_import(job):
    """The preview pass: every row checked, nothing written."""
    job.status = RosterImport.Status.CHECKING
    job.save(update_fields=["status"])
    try:
        with _job_pass(job) as (table, importer):
            result = importer.run(table)
    except FileRejected as exc:
        return _reject(job, str(exc))
    job.result = result.as_json()
    job.status = RosterImport.Status.CHECKED
    job.checked_at = timezone.now()
    job.save(update_fields=["result", "status", "checked_at", "failed_file"])
    return job


@contextmanager
def _job_pass(job):
    """The job's file as a table, and an importer reporting the job's progress and failed rows."""
    with (
        job.file.open("rb") as handle,
        open_table(handle) as table,
        _failed_rows_sink(job) as sink,
    ):
        sink.set_headers(table.headers)
        yield (
            table,
            RosterImporter(
                job.node,
                job.user,
                import_uuid=job.uuid,
                source_name=job.original_name,
                progress=lambda done: set_progress(job, done),
                failed_rows=sink,
            ),
        )


def _reject(job, message):
    job.status = RosterImport.Status.REJECTED
    job.message = message
    job.delete_files()
    job.save(update_fields=["status", "message", "file", "failed_file"])
    return job


# --- Confirmation ------------------------------------------------------------------------------


def confirmation_token(job, user):
    return signing.dumps(
        {"job": job.pk, "user": user.pk, "sha256": job.sha256, "plan": job.counts},
        salt=CONFIRM_SALT,
        compress=True,
    )


def check_confirmation(job, user, token):
    """The previewed plan, if ``token`` was issued to ``user`` for this import and file."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmationRefused(
            "确认已超过2小时，没有导入任何数据：请重新上传文件并预览"
        ) from None
    except signing.BadSignature:
        raise ConfirmationRefused(
            "确认信息无效或已被改动，没有导入任何数据：请重新上传文件并预览"
        ) from None
    if data.get("user") != user.pk or data.get("job") != job.pk:
        raise ConfirmationRefused(
            "这份确认信息不是为您的这次导入签发的，没有导入任何数据"
        )
    try:
        require_import_right(user, job.node)
    except PermissionDenied as exc:
        raise ConfirmationRefused(str(exc)) from None
    if job.status != RosterImport.Status.CHECKED:
        raise ConfirmationRefused(
            f"这次导入的状态是“{job.get_status_display()}”，不能再确认"
        )
    with job.file.open("rb") as handle:
        stored_hash = file_sha256(handle)
    if data.get("sha256") != job.sha256 or stored_hash != job.sha256:
        raise ConfirmationRefused(
            "文件在预览之后被改动，没有导入任何数据：请重新上传文件并预览"
        )
    return data["plan"]


# --- The import ----------------------------------------------------------------------------------


def apply_import(job, *, valid_only, expected):
    """The writing pass in one transaction; anything short of success writes nothing."""
    try:
        # Checked again: a right may have been revoked since the upload.
        require_import_right(job.user, job.node)
    except PermissionDenied as exc:
        return _fail(job, str(exc))
    job.status = RosterImport.Status.IMPORTING
    job.mode = RosterImport.Mode.VALID_ONLY if valid_only else RosterImport.Mode.ALL
    job.save(update_fields=["status", "mode"])
    set_progress(job, 0)
    aborted = None
    try:
        with _job_pass(job) as (table, importer):
            try:
                with transaction.atomic():
                    result = _write(
                        importer,
                        table,
                        valid_only=valid_only,
                        expected=expected,
                    )
                    _finish(job, result)
            except ImportAborted as exc:
                aborted = exc.result
    except FileRejected as exc:
        return _fail(job, str(exc))
    except Exception:
        logger.exception("Roster import %s failed", job.pk)
        _fail(
            job,
            "导入过程中出错，所有改动已撤销，没有写入任何数据：请稍后重试或联系管理员",
        )
        raise
    if aborted is not None:
        return _fail(job, aborted.message, aborted.as_json())
    # The data is in the registry now; the uploaded copy of the ID numbers goes.
    job.file.delete(save=False)
    job.save(update_fields=["file", "failed_file"])
    return job


def _write(importer, table, *, valid_only, expected=None):
    """The writing pass, one transaction; ImportAborted rolls it back."""
    with transaction.atomic():
        # Imports into one node wait for each other; across nodes the unique
        # 身份证号码 constraint refuses the second writer.
        OrgNode.objects.select_for_update().get(pk=importer.node.pk)
        return importer.run(table, write=True, valid_only=valid_only, expected=expected)


def _finish(job, result):
    job.result = result.as_json()
    job.status = RosterImport.Status.IMPORTED
    job.imported_at = timezone.now()
    job.message = ""
    job.save(update_fields=["result", "status", "imported_at", "message"])


def _fail(job, message, result=None):
    job.status = RosterImport.Status.FAILED
    job.message = message
    # A failed import cannot be confirmed again: the upload is of no more use.
    job.file.delete(save=False)
    fields = ["status", "message", "file", "failed_file"]
    if result is not None:
        job.result = result
        fields.append("result")
    job.save(update_fields=fields)
    return job


def prune_imports(older_than):
    """Delete the files of imports started before ``older_than`` and no longer running.

    Uploads and failed-rows files hold ID numbers; the records stay.
    """
    pruned = 0
    stale = RosterImport.objects.filter(created_at__lt=older_than).exclude(
        status__in=[RosterImport.Status.CHECKING, RosterImport.Status.IMPORTING]
    )
    for job in stale.exclude(file="", failed_file=""):
        job.delete_files()
        job.save(update_fields=["file", "failed_file"])
        pruned += 1
    return pruned


# --- A background step that will not finish ------------------------------------------------


def fail_lost_import(job):
    """Record that the background step of ``job`` ended without finishing it.

    Called on the user's request (a POST) once rosters.tasks.background_state
    says "lost"; the transaction of an interrupted import was rolled back.
    """
    job.refresh_from_db()
    if not job.is_running:
        return job
    return _fail(job, "后台处理意外中断，所有改动已撤销，没有写入任何数据：请重新上传")


# --- Without a job: the CLI ---------------------------------------------------------------------


def import_file(*, path, node, user=None, dry_run=False, valid_only=False):
    """Check, and unless ``dry_run`` write, one file: the rules of the admin, no preview step.

    Returns the ImportResult; ``result.written`` says whether anything was kept.
    """
    require_import_right(user, node)
    with Path(path).open("rb") as handle:
        return import_stream(
            handle,
            node=node,
            user=user,
            source_name=Path(path).name,
            dry_run=dry_run,
            valid_only=valid_only,
        )


def import_stream(
    handle, *, node, user=None, source_name="", dry_run=False, valid_only=False
):
    """Check, and unless ``dry_run`` write, an open roster file into ``node``.

    ``node`` may be unsaved when only checking (a roster attached to an
    application for a node still to be created). The caller checked the rights
    and holds the transaction; FileRejected if the file cannot be read.
    """
    with open_table(handle) as table:
        importer = RosterImporter(node, user, source_name=source_name)
        if dry_run:
            return importer.run(table)
        try:
            return _write(importer, table, valid_only=valid_only)
        except ImportAborted as exc:
            return exc.result
