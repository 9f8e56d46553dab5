"""`manage.py bench`: build county and city scale with seed_demo, then time pages, scoring,
documents and the roster import, each beside a baseline measured in the same run."""

from .runner import run  # noqa: F401
