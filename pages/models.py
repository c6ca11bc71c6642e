"""The status pages of one install: each its own title, address, look and
components. One is the default page, served at ``/`` on every host no page
claims; the others at ``/p/<slug>/`` and, with a domain, at that domain's
``/``."""

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pages import validators


class Access(models.TextChoices):
    PUBLIC = "public", _("Public")
    PASSWORD = "password", _("Password")
    STAFF = "staff", _("Staff only")


class StatusPage(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=60, unique=True, validators=[validators.validate_slug],
        help_text=_("The page's address on this install: /p/<slug>/."),
    )  # fmt: skip
    domain = models.CharField(
        _("custom domain"), max_length=253, unique=True, null=True, blank=True,
        validators=[validators.validate_domain],
        help_text=_(
            "Optional, e.g. status.example.com: the page answers at that domain's /. "
            "Point the domain at this install and add it to ALLOWED_HOSTS."
        ),
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True)
    # Re-encoded by pages/logo.py (a PNG of bounded size); never the uploaded bytes.
    logo = models.BinaryField(_("logo"), null=True, blank=True, editable=False)
    logo_digest = models.CharField(max_length=16, blank=True, editable=False)
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#1f6feb",
        validators=[validators.validate_colour], help_text=_("A colour as #rrggbb."),
    )  # fmt: skip
    footer = models.TextField(
        _("footer"), blank=True, help_text=_("Markdown: links, emphasis, lists.")
    )
    language = models.CharField(
        _("default language"), max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("For visitors who have not chosen one; empty: the install's default."),
    )  # fmt: skip
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validators.validate_time_zone],
        help_text=_("Dates on the page in this zone, e.g. Europe/Stockholm; empty: the install's."),
    )  # fmt: skip
    shows_everything = models.BooleanField(
        _("show every monitor"), default=False,
        help_text=_("Every active monitor, new ones too, in category order; "
                    "untick to choose categories and monitors below."),
    )  # fmt: skip
    show_bars = models.BooleanField(_("show uptime bars"), default=True)
    show_response_times = models.BooleanField(_("show response times"), default=True)
    show_history = models.BooleanField(
        _("show history"), default=True, help_text=_("Past incidents and the history pages.")
    )
    access = models.CharField(
        _("who may read it"), max_length=8, choices=Access.choices, default=Access.PUBLIC
    )
    password_hash = models.CharField(max_length=128, blank=True, editable=False)
    is_default = models.BooleanField(
        _("default page"), default=False,
        help_text=_("Served at / on every address no other page claims. Exactly one page is."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("status page")
        verbose_name_plural = _("status pages")
        ordering = ["-is_default", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_page"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_private(self) -> bool:
        return self.access != Access.PUBLIC

    def set_password(self, raw: str) -> None:
        self.password_hash = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password_hash) and check_password(raw, self.password_hash)

    @property
    def prefix(self) -> str:
        """The path the page's URLs start with on a host it does not own."""
        return "" if self.is_default else f"/p/{self.slug}"


class PageCategory(models.Model):
    """A category on a page: all its active monitors, new ones too."""

    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="page_categories")
    category = models.ForeignKey(
        "monitors.Category", on_delete=models.CASCADE, related_name="page_entries",
        verbose_name=_("category"),
    )  # fmt: skip
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category shown")
        verbose_name_plural = _("categories shown")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["page", "category"], name="category_once_per_page")
        ]

    def __str__(self) -> str:
        return str(self.category)


class PageMonitor(models.Model):
    """A single monitor on a page (under its category's heading)."""

    page = models.ForeignKey(StatusPage, on_delete=models.CASCADE, related_name="page_monitors")
    monitor = models.ForeignKey(
        "monitors.Monitor", on_delete=models.CASCADE, related_name="page_entries",
        verbose_name=_("monitor"),
    )  # fmt: skip
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("monitor shown")
        verbose_name_plural = _("monitors shown")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["page", "monitor"], name="monitor_once_per_page")
        ]

    def __str__(self) -> str:
        return str(self.monitor)
