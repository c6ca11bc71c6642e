import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Self, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn each read into a write;
# once a minute is precise enough for "when was this key last used".
LAST_USED_RESOLUTION = timedelta(seconds=60)
_K = TypeVar("_K", bound="ApiKey")


def hash_key(raw: str) -> str:
    # Keys are 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiKeyQuerySet(models.QuerySet[_K]):
    def usable(self) -> Self:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A key for both APIs. Only its hash is stored; the raw key is shown once."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(
        _("prefix"), max_length=KEY_PREFIX_LENGTH, db_index=True, editable=False
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(
        _("read-only"), default=False, help_text=_("Read-only keys can read but never write.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def generate(cls, name: str, *, read_only: bool = False) -> tuple["ApiKey", str]:
        """Create a key; returns it with the raw key, which is not stored anywhere."""
        key = cls(name=name, read_only=read_only)
        raw = key.assign_new_secret()
        key.save()
        return key, raw

    def assign_new_secret(self) -> str:
        raw = "sp_" + secrets.token_urlsafe(32)
        self.prefix = raw[:KEY_PREFIX_LENGTH]
        self.key_hash = hash_key(raw)
        return raw

    def matches(self, raw: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_key(raw))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        ApiKey.objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.refresh_from_db(fields=["revoked_at"])

    def touch(self) -> None:
        now = timezone.now()
        if self.last_used_at and now - self.last_used_at < LAST_USED_RESOLUTION:
            return
        ApiKey.objects.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now


class RateCounter(models.Model):
    """One rate-limit window's count (statuspage/api/ratecounters.py), for the
    stores with no atomic cache increment (the embedded default's file cache):
    the database counts with one ``INSERT ... ON CONFLICT DO UPDATE``."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    # Unix seconds after which the window is over and the row may be pruned.
    expires_at = models.FloatField(db_index=True)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
