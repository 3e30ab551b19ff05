from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.demo import DemoLoader


class Command(BaseCommand):
    help = "载入演示数据：组织架构、约300名虚构义工和四个演示账号（仅限开发环境）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "load_demo 只能在开发环境运行（请设置 DEBUG=1）：它会创建密码公开的演示账号。"
            )
        self.stdout.write("演示账号：\n")
        created = DemoLoader(stdout=self.stdout).run()
        self.stdout.write(
            self.style.SUCCESS(
                "演示数据已就绪：新建组织 {nodes} 个、义工 {volunteers} 名、"
                "成员关系 {memberships} 条、授权 {grants} 项。".format(**created)
            )
        )
