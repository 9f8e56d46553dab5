"""Portal tests reuse the proposals fixtures (units, deputies, the workflow walker)."""

from tests.proposals.conftest import (  # noqa: F401
    deputies,
    make_proposal,
    other_unit,
    unit,
    unit_user,
)
