"""Editor groups 编辑 and 审核 and the 审核发布 moderation workflow.

编辑 may create and edit pages and submit them for moderation but not publish;
审核 approves (publishes) them, manages all documents and images and edits the
site settings. The workflow 审核发布 is attached to the tree root, so it covers
every page of the site.

Wagtail's own migrations create the groups "Editors" and "Moderators" and a
"Moderators approval" workflow on the root. We leave those groups alone
(they may already hold users on an existing site, and deleting them cannot be
reversed faithfully) but retire the default workflow: a page has at most one
workflow, so the root now points at 审核发布 and "Moderators approval" is
deactivated. The reverse deletes what this migration made and puts Wagtail's
default workflow back on the root.

The tree root's title "Root" shows in every breadcrumb of the admin, so it
becomes 根目录.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "编辑"
REVIEWERS = "审核"
WORKFLOW = "审核发布"
TASK = "审核"
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"
ROOT_TITLES = ("Root", "根目录")

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    REVIEWERS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
# Wagtail treats "delete" on a document or image as "change", and a file
# replaced in place is live at once, outside the workflow. So 编辑 may upload and
# choose files and (as their owner) change their own uploads; pointing a page
# at a new file goes through 审核. 审核 may change every file.
COLLECTION_PERMISSIONS = {
    EDITORS: [
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "choose_document"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "choose_image"),
    ],
    REVIEWERS: [
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        ("wagtaildocs", "delete_document"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtailimages", "delete_image"),
    ],
}
GLOBAL_PERMISSIONS = {
    EDITORS: [("wagtailadmin", "access_admin")],
    REVIEWERS: [
        ("wagtailadmin", "access_admin"),
        ("website", "change_contactsettings"),
    ],
}


def ensure_model_permissions(apps, using):
    # Model permissions are normally made by post_migrate, after every
    # migration; on a fresh database they do not exist yet at this point.
    for label in ("wagtailcore", "wagtaildocs", "wagtailimages", "website"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None


def get_permission(apps, app_label, codename):
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def rename_root(Page, old, new):
    Page.objects.filter(depth=1, title=old).update(title=new, draft_title=new)


def create_groups_and_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    Task = apps.get_model("wagtailcore.Task")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    ensure_model_permissions(apps, schema_editor.connection.alias)
    rename_root(Page, *ROOT_TITLES)
    root_pages = list(Page.objects.filter(depth=1))
    root_collections = list(Collection.objects.filter(depth=1))

    groups = {}
    for name in (EDITORS, REVIEWERS):
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(
            *(get_permission(apps, *key) for key in GLOBAL_PERMISSIONS[name])
        )
        for codename in PAGE_PERMISSIONS[name]:
            permission = get_permission(apps, "wagtailcore", codename)
            for page in root_pages:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=page, permission=permission
                )
        for key in COLLECTION_PERMISSIONS[name]:
            permission = get_permission(apps, *key)
            for collection in root_collections:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK, content_type=task_type, active=True
        )
    task.groups.add(groups[REVIEWERS])

    workflow, _ = Workflow.objects.get_or_create(
        name=WORKFLOW, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task_id=task.pk, defaults={"sort_order": 0}
    )
    for page in root_pages:
        WorkflowPage.objects.update_or_create(
            page=page, defaults={"workflow": workflow}
        )

    default_workflows = Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW)
    Task.objects.filter(
        name=WAGTAIL_DEFAULT_WORKFLOW, workflow_tasks__workflow__in=default_workflows
    ).update(active=False)
    default_workflows.update(active=False)


def remove_groups_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    Task = apps.get_model("wagtailcore.Task")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")

    # Cascades to the workflow's WorkflowTask and WorkflowPage rows, and the
    # groups' page and collection permissions.
    Workflow.objects.filter(name=WORKFLOW).delete()
    GroupApprovalTask.objects.filter(name=TASK).delete()
    Group.objects.filter(name__in=[EDITORS, REVIEWERS]).delete()

    rename_root(Page, *reversed(ROOT_TITLES))
    default_workflow = Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW).first()
    if default_workflow is not None:
        default_workflow.active = True
        default_workflow.save(update_fields=["active"])
        Task.objects.filter(
            name=WAGTAIL_DEFAULT_WORKFLOW, workflow_tasks__workflow=default_workflow
        ).update(active=True)
        for page in Page.objects.filter(depth=1):
            WorkflowPage.objects.get_or_create(
                page=page, defaults={"workflow": default_workflow}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_groups_and_workflow, remove_groups_and_workflow),
    ]
