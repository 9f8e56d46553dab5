"""Publication settings of the public page, deputies' answers to invitations, their drafts of
suggestions, and every message (in the app and by SMS) sent to a deputy."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renda.core.models import TownshipScopedModel


class PublishedYear(TownshipScopedModel):
    """A year whose motions and suggestions the township shows on the public page."""

    year = models.PositiveSmallIntegerField(_("year"))

    history = None

    class Meta:
        verbose_name = _("published year")
        verbose_name_plural = _("published years")
        ordering = ["township", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="publishedyear_unique"),
        ]

    def __str__(self):
        return f"{self.township_id} {self.year}"
