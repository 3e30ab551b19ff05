"""表格下载 items may offer a file the site generates (the blank forms, the 名册 template).

Items seeded before this change get the file their title names, unless an
editor already attached a document: the page then offers downloads instead of
"表格文件尚未上传". Reversing removes the field (and with it those choices).
"""

from django.db import migrations, models

# A fragment of the seeded title → the generated file it offers.
SEEDED = (
    ("成立义工组织申请表", "form2"),
    ("名册", "roster-template"),
    ("注册登记表", "form3"),
    ("义工服务项目", "form3"),
    ("季报表", "form4"),
)


def offer_generated_files(apps, schema_editor):
    DownloadItem = apps.get_model("website", "DownloadItem")
    for item in DownloadItem.objects.filter(document__isnull=True, generated=""):
        for fragment, key in SEEDED:
            if fragment in item.title:
                item.generated = key
                item.save(update_fields=["generated"])
                break


class Migration(migrations.Migration):
    dependencies = [("website", "0002_editor_groups_and_workflow")]

    operations = [
        migrations.AddField(
            model_name="downloaditem",
            name="generated",
            field=models.CharField(
                blank=True,
                choices=[
                    ("form2", "附件2 申请表（空白）"),
                    ("form3", "附件3 登记表及义工服务项目（空白）"),
                    ("form4", "附件4 季报表（空白）"),
                    ("roster-template", "党员义工名册模板（Excel）"),
                ],
                help_text="由系统按最新表格样式生成的空白表格，无需上传文件",
                max_length=30,
                verbose_name="系统生成的表格",
            ),
        ),
        migrations.RunPython(offer_generated_files, migrations.RunPython.noop),
    ]
