from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from rosters.services import prune_imports


class Command(BaseCommand):
    help = "删除超过一定时间的名册上传文件和“未通过的行”文件（其中有身份证号码），建议每天运行"

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=int, default=24, help="保留最近多少小时的文件"
        )

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(hours=options["hours"])
        pruned = prune_imports(cutoff)
        self.stdout.write(f"已删除{pruned}次导入的文件。")
