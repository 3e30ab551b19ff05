"""Admin login throttling with django-axes: the message, the response, unlocking.

Axes counts failed logins per account and, separately, per address
(``AXES_LOCKOUT_PARAMETERS``); the login form turns its refusal into a Chinese
message on Wagtail's own login page (``website.admin_forms.LoginForm``), and a
superuser lifts a lock at 设置 → 登录锁定 (``website.views_lockout``), which
writes an entry to Wagtail's audit log.
"""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.utils import timezone
from wagtail.log_actions import log

UNLOCK_ACTION = "yigong.unlock_login"


def lockout_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message():
    return (
        f"登录失败次数过多，账号已暂时锁定，请{lockout_minutes()}分钟后再试"
        "或联系管理员解锁"
    )


def lockout_response(request, original_response=None, credentials=None):
    """What Axes sends on a lockout: Wagtail's login page, marked 429.

    The login form has already put the Chinese message on the page (it sees
    ``request.axes_locked_out``); only a lockout outside that form (no page
    to show) gets the bare sentence.
    """
    if original_response is None or original_response.status_code != 200:
        return HttpResponse(
            lockout_message(), status=429, content_type="text/plain; charset=utf-8"
        )
    original_response.status_code = 429
    return original_response


def client_ip(request):
    """The address failures are counted against.

    Behind the HTTPS proxy (``BEHIND_HTTPS_PROXY``) that is the last entry of
    X-Forwarded-For, the one the proxy appended; the entries before it are the
    client's to invent.
    """
    if settings.LOGIN_IP_FROM_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


@dataclass
class Lockout:
    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_failure: datetime
    others: list  # addresses an account failed from, or accounts tried from an address

    @property
    def until(self):
        return self.last_failure + settings.AXES_COOLOFF_TIME

    @property
    def kind_label(self):
        return "账号" if self.kind == "username" else "IP地址"


def current_lockouts():
    """Accounts and addresses locked now: failures summed the way Axes sums them."""
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=threshold)
    lockouts = []
    for kind, other in (("username", "ip_address"), ("ip_address", "username")):
        rows = (
            recent.exclude(**{f"{kind}__isnull": True})
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last")
        )
        for row in rows:
            others = sorted(
                {
                    value
                    for value in recent.filter(**{kind: row[kind]}).values_list(
                        other, flat=True
                    )
                    if value
                }
            )
            lockouts.append(
                Lockout(kind, row[kind], row["failures"], row["last"], others)
            )
    return lockouts


def unlock(kind, value, by):
    """Clears an account's or an address's failures and logs who did it.

    An account's unlock is logged on that user (it shows in the user's and the
    site's history); an address's on the unlocking administrator, naming it.
    Returns the number of attempt records removed.
    """
    if kind == "username":
        removed = reset(username=value)
        user = get_user_model().objects.filter(username=value).first()
        instance = user or by
    elif kind == "ip_address":
        removed = reset(ip=value)
        instance = by
    else:
        raise ValueError(kind)
    log(
        instance=instance,
        action=UNLOCK_ACTION,
        user=by,
        data={"kind": kind, "value": value, "by": by.get_username()},
    )
    return removed
