from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin12345"


class Command(BaseCommand):
    help = "创建演示用超级管理员 admin / admin12345（仅限 DEBUG 模式）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "演示管理员只能在 DEBUG 模式下创建，生产环境请使用 createsuperuser。"
            )
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "email": "admin@example.com",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            self.stdout.write(
                f"已创建演示管理员 {DEMO_USERNAME}（密码 {DEMO_PASSWORD}）。"
            )
        else:
            self.stdout.write(f"演示管理员 {DEMO_USERNAME} 已存在，未作修改。")
