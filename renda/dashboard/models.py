"""The secretary's own text for a year-end work report (the rest is generated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from renda.core.models import TownshipScopedModel


class WorkReportText(TownshipScopedModel):
    """Opening (optional), 存在的问题 and 下一步工作打算 of one township's report for one year."""

    year = models.PositiveSmallIntegerField(_("year"))
    opening = models.TextField(
        _("opening paragraph"),
        blank=True,
        help_text=_(
            "Optional. Left empty, a standard opening is written; it always ends with "
            "“We report on our work as follows:”."
        ),
    )
    problems = models.TextField(
        _("existing problems"),
        help_text=_("One paragraph per line. A line starting with (一) becomes a subheading."),
    )
    plans = models.TextField(
        _("plans for the next stage"),
        help_text=_("One paragraph per line. A line starting with (一) becomes a subheading."),
    )

    class Meta:
        verbose_name = _("work report text")
        verbose_name_plural = _("work report texts")
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="workreporttext_unique_year"),
        ]

    def __str__(self):
        return f"{self.township} {self.year}"

    def as_texts(self):
        return {"opening": self.opening, "problems": self.problems, "plans": self.plans}
