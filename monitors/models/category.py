from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A group of monitors on the page and in api.php, shown by display_order."""

    name = models.CharField(_("name"), max_length=200)
    display_order = models.IntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["display_order", "name", "id"]

    def __str__(self) -> str:
        return self.name
