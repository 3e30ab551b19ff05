"""Counters behind 团体注册编号 and 注册义工号."""

from django.db import IntegrityError, models, transaction
from django.db.models import F


class RegistrySequenceManager(models.Manager):
    def allocate(self, key, count=1):
        """Reserve ``count`` consecutive numbers under ``key``; return the first.

        Numbers are never handed out twice: the counter only grows, whatever is
        later deleted. The UPDATE locks the row until the caller's transaction ends.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        with transaction.atomic():
            bumped = self.filter(key=key).update(last_value=F("last_value") + count)
            if not bumped:
                try:
                    with transaction.atomic():
                        self.create(key=key, last_value=count)
                    return 1
                except IntegrityError:
                    # Another transaction created the row first.
                    self.filter(key=key).update(last_value=F("last_value") + count)
            last = self.filter(key=key).values_list("last_value", flat=True).get()
        return last - count + 1


class RegistrySequence(models.Model):
    """Counters behind 团体注册编号 and 注册义工号."""

    key = models.CharField("序列", max_length=50, unique=True)
    last_value = models.PositiveBigIntegerField("已分配到", default=0)

    objects = RegistrySequenceManager()

    class Meta:
        verbose_name = "编号序列"
        verbose_name_plural = "编号序列"

    def __str__(self):
        return f"{self.key}: {self.last_value}"
