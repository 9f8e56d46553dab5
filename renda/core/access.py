"""The one access policy: which rows a user may see, what they may do to them, what is masked.

Every view, selector, form choice list, export, document job, service, command and task asks
an `Access` object; nothing else filters by township or checks a role by hand.

    access = request.access                 # built once per request by AccessMiddleware
    access = access_for(user)               # commands, tasks (cached on the user)
    access = authorize(by, township, perm)  # a service's one permission check (see below)

    access.scope(Deputy)                    # the rows of a model this user may see (a queryset)
    access.scope(qs)                        # … narrowing a queryset you already have
    access.get_or_404(Deputy, pk=pk)        # one visible row, else 404 (also for pk="abc")
    access.townships()                      # townships the user may see
    access.selected_township                # own township, or the one a county user picked
    access.can_read(obj_or_township)        # bool;  access.require_read(...) raises 403
    access.can_write(obj_or_township, perm) # bool;  access.require_write(...) raises 403
    access.can_edit_scheme(township)        # chair of the township, or the county admin
    access.can_change_term(township)        # its 换届: staff with the mandate permission, county admin
    access.can_void(obj) / can_restore(obj) # void a record with a reason (staff) / restore it (chair)
    access.require_browse()                 # the record pages: township staff, county users
    access.jobs()                           # document jobs the user may see and download
    access.can_request_document(township)   # may ask for a document of this township (None = county-wide)
    access.sees_personal(obj_or_township)   # phone / ID number / birth date in clear?
    access.personal(deputy)                 # Personal(phone, id_number, birth_date, masked)
    access.masked()                         # the same policy masking everything (documents
                                            # that leave the township: the year-end bundle)

Role rules
- township secretary (`township_secretary`): reads and writes their own township's rows with the
  permissions of the role (every domain permission except the chair's sign-off steps);
- township chair (`township_chair`): the same plus the sign-off steps (`signoff_*` permissions),
  edits the scoring scheme, and restores voided records (staff void them, with a reason);
- handling unit (`handling_unit`): reads only the proposals whose lead or assisting unit is one
  of theirs (and those proposals' replies, attachments, events, evaluations); writes only
  replies to them; nothing else of the township;
- county reviewer (`county_reviewer`): reads every township, writes nothing;
- county admin (`county_admin`): reads every township; writes only county-level things (users,
  townships, the scoring scheme); never a township's records;
- deputy (`deputy`, the portal's own accounts): reads their own deputy record and the proposals
  they lead or co-signed (with their replies, events, evaluations), nothing else; an ended
  account is no deputy at all (`access.own_deputy` is None). Their writes go through the
  portal's services, which check `access.own_deputy`.
Outside a deputy's own township (county users, handling units, the Django admin) personal data
is masked so that it cannot be rebuilt: no digit of an ID number, birth date as year-month,
phone as the first 3 and last 4 digits (138****5678).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from . import records_cache, roles

# Models a handling unit reaches through an assigned proposal (by their `proposal` foreign key).
_PROPOSAL = "proposals.proposal"
_THROUGH_PROPOSAL = {
    "proposals.proposalreply",
    "proposals.proposalattachment",
    "proposals.proposalevent",
    "proposals.proposalevaluation",
}
# Permissions a handling unit holds on an assigned proposal.
_UNIT_WRITES = {"proposals.reply_proposal"}


# --- masking (pure functions, also used where no user is at hand) ------------------------


def mask_id_number(value) -> str:
    """No digit of an ID number is shown: the mask has the number's length and nothing else."""
    value = (value or "").strip()
    return "*" * len(value)


def mask_phone(value) -> str:
    """First 3 and last 4 characters of a phone number: 13812345678 → 138****5678."""
    value = (value or "").strip()
    if len(value) < 9:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_birth_date(value) -> str:
    """Year and month only: 1975-03."""
    if not value:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value)[:7]


@dataclass(frozen=True)
class Personal:
    """A deputy's personal data as one user may see it."""

    phone: str
    id_number: str
    birth_date: dt.date | str | None  # a date in clear, "YYYY-MM" when masked
    masked: bool


# --- the policy --------------------------------------------------------------------------


def _township_id(target):
    """The township id of a Township, an id, or a row that carries its township."""
    if target is None:
        return None
    if isinstance(target, int):
        return target
    from .models import Township

    if isinstance(target, Township):
        return target.pk
    return getattr(target, "township_id", None)


class Access:
    def __init__(self, user, *, selected_township_id=None):
        self.user = user
        authenticated = bool(user is not None and user.is_authenticated)
        self.role = user.role if authenticated else None
        self.township_id = user.township_id if authenticated else None
        self.is_admin = authenticated and self.township_id is None and self.role == roles.ADMIN
        self.is_reviewer = authenticated and self.township_id is None and self.role == roles.REVIEWER
        self.is_county = self.is_admin or self.is_reviewer
        in_township = authenticated and self.township_id is not None
        self.is_secretary = in_township and self.role == roles.SECRETARY
        self.is_chair = in_township and self.role == roles.CHAIR
        self.is_township_staff = self.is_secretary or self.is_chair
        self.is_handling_unit = in_township and self.role == roles.HANDLING_UNIT
        self.is_deputy = in_township and self.role == roles.DEPUTY
        self._selected_township_id = selected_township_id
        self._mask_all = False
        self._cache = {}

    def __repr__(self):
        return f"<Access {getattr(self.user, 'username', None)} {self.role} township={self.township_id}>"

    # construction ----------------------------------------------------------------------

    @classmethod
    def for_request(cls, request):
        user = getattr(request, "user", None)
        selected = None
        if user is not None and user.is_authenticated and user.township_id is None:
            session = getattr(request, "session", None)
            raw = session.get("selected_township") if session is not None else None
            selected = raw if isinstance(raw, int) else None
        access = cls(user, selected_township_id=selected)
        if user is not None and user.is_authenticated and selected is None:
            user._access = access
        return access

    # townships -------------------------------------------------------------------------

    def townships(self):
        """Active townships the user may see: their own, or every one for county users."""
        from .models import Township

        qs = Township.objects.filter(is_active=True)
        if self.is_county:
            return qs
        if self.is_township_staff or self.is_handling_unit:
            return qs.filter(pk=self.township_id)
        return qs.none()

    @property
    def selected_township(self):
        """The township list pages narrow to: own township, or the one a county user picked."""
        if "selected" not in self._cache:
            from .models import Township

            township = None
            if self.township_id is not None and (self.is_township_staff or self.is_handling_unit):
                if self.user._meta.get_field("township").is_cached(self.user):  # read with the groups
                    township = self.user.township
                else:
                    township = records_cache.remember(
                        "township", (self.township_id,), lambda: self.user.township
                    )
            elif self.is_county and self._selected_township_id:
                township = records_cache.remember(
                    "township-picked",
                    (self._selected_township_id,),
                    lambda: self.townships().filter(pk=self._selected_township_id).first(),
                )
            self._cache["selected"] = township if isinstance(township, Township) else None
        return self._cache["selected"]

    # rows ------------------------------------------------------------------------------

    def scope(self, model_or_queryset):
        """The rows of a model (or of a queryset) that this user may see."""
        if isinstance(model_or_queryset, models.QuerySet):
            qs = model_or_queryset
        else:
            qs = model_or_queryset._default_manager.all()
        label = qs.model._meta.label_lower
        if label == "core.township":
            return qs.filter(pk__in=self.townships().values("pk"))
        if label == "core.documentjob":
            return qs.filter(pk__in=self.jobs().values("pk"))
        if self.is_handling_unit or self.is_deputy:
            if label == _PROPOSAL:
                return qs.filter(
                    self._unit_proposals_q() if self.is_handling_unit else self._own_proposals_q()
                )
            if label in _THROUGH_PROPOSAL:
                return qs.filter(proposal__in=self.scope(qs.model._meta.get_field("proposal").related_model))
            if label == "deputies.deputy" and self.is_deputy:
                deputy = self.own_deputy
                return qs.filter(pk=deputy.pk) if deputy is not None else qs.none()
            return qs.none()
        if not hasattr(qs.model, "township_id") and not _has_field(qs.model, "township"):
            return qs.none()
        if self.is_county:
            return qs
        if self.is_township_staff:
            return qs.filter(township_id=self.township_id)
        return qs.none()

    def _unit_proposals_q(self):
        from django.apps import apps
        from django.db.models import Exists, OuterRef, Q

        unit_model = apps.get_model("proposals", "HandlingUnit")
        proposal_model = apps.get_model("proposals", "Proposal")
        units = unit_model.objects.filter(users=self.user, township_id=self.township_id)
        assisting = proposal_model.assisting_units.through.objects.filter(
            proposal_id=OuterRef("pk"), handlingunit__in=units
        )
        return Q(township_id=self.township_id) & (Q(lead_unit__in=units) | Exists(assisting))

    @property
    def own_deputy(self):
        """The deputy behind a deputy account; None for anyone else or an ended account."""
        if "own_deputy" not in self._cache:
            deputy = None
            if self.is_deputy:
                account = getattr(self.user, "deputy_account", None)
                if account is not None and account.ended_on is None:
                    deputy = account.deputy
            self._cache["own_deputy"] = deputy
        return self._cache["own_deputy"]

    def _own_proposals_q(self):
        from django.apps import apps
        from django.db.models import Exists, OuterRef, Q

        deputy = self.own_deputy
        if deputy is None:
            return Q(pk__in=[])
        proposal_model = apps.get_model("proposals", "Proposal")
        co_signed = proposal_model.co_signers.through.objects.filter(
            proposal_id=OuterRef("pk"), deputy=deputy
        )
        return Q(township_id=deputy.township_id) & (Q(lead_deputy=deputy) | Exists(co_signed))

    def get_or_404(self, model_or_queryset, **lookup):
        """One row the user may see, else 404 (a malformed id is a 404 too, never a 500)."""
        try:
            return self.scope(model_or_queryset).get(**lookup)
        except (ValueError, TypeError, OverflowError):
            raise Http404 from None
        except models.ObjectDoesNotExist:
            raise Http404 from None
        except Exception as exc:  # e.g. ValidationError from a UUID or date lookup
            from django.core.exceptions import ValidationError

            if isinstance(exc, ValidationError):
                raise Http404 from None
            raise

    # reading and writing ---------------------------------------------------------------

    def can_read(self, target) -> bool:
        """May the user see this row (or this township's pages)?"""
        township_id = _township_id(target)
        if self.is_county:
            return True
        if self.is_township_staff:
            return township_id == self.township_id
        if (self.is_handling_unit or self.is_deputy) and isinstance(target, models.Model):
            label = target._meta.label_lower
            if label == _PROPOSAL or label in _THROUGH_PROPOSAL or label == "deputies.deputy":
                return self.scope(type(target)).filter(pk=target.pk).exists()
        return False

    def require_read(self, target):
        if not self.can_read(target):
            raise PermissionDenied

    @property
    def can_browse(self) -> bool:
        """The township record pages (roster, meetings, register, assessment, dashboard): staff
        of a township and county users. A handling unit reaches only its assigned proposals."""
        return self.is_township_staff or self.is_county

    def require_browse(self):
        if not self.can_browse:
            raise PermissionDenied

    def can_write(self, target=None, perm=None) -> bool:
        """May the user change this row or this township (with permission `perm`, "app.codename")?

        `target=None` asks "may this user write anything of their own township" (for buttons on
        list pages). Only township staff write township records; a handling unit writes replies
        to its assigned proposals; county users write none.
        """
        user = self.user
        if self.is_handling_unit:
            if perm not in _UNIT_WRITES or not user.has_perm(perm):
                return False
            return target is not None and self.can_read(target)
        if not self.is_township_staff:
            return False
        if target is not None and _township_id(target) != self.township_id:
            return False
        if perm is not None:
            codename = perm.split(".", 1)[-1]
            if codename.startswith(roles.CHAIR_ONLY_PREFIX) and not self.is_chair:
                return False
            return user.has_perm(perm)
        return True

    def require_write(self, target=None, perm=None):
        if not self.can_write(target, perm):
            raise PermissionDenied

    def can_sign_off(self, target, perm) -> bool:
        """The chair's sign-off steps (`signoff_*` permissions) on their own township."""
        return self.is_chair and self.can_write(target, perm)

    def can_void(self, obj) -> bool:
        """Void a record entered by mistake: township staff of its township holding the change
        permission on its model (the secretary and the chair)."""
        if not self.is_township_staff:
            return False
        meta = obj._meta
        return self.can_write(obj, f"{meta.app_label}.change_{meta.model_name}")

    def can_restore(self, obj) -> bool:
        """Restore a voided record: the chair of its township only."""
        return self.is_chair and _township_id(obj) == self.township_id and self.can_void(obj)

    def can_delete_draft(self, obj) -> bool:
        """Delete outright a record nothing refers to: township staff with the delete permission."""
        if not self.is_township_staff:
            return False
        meta = obj._meta
        return self.can_write(obj, f"{meta.app_label}.delete_{meta.model_name}")

    def can_edit_scheme(self, township) -> bool:
        """A township's scoring scheme: its chair, or the county admin."""
        if self.is_admin:
            return True
        return self.is_chair and _township_id(township) == self.township_id

    def can_change_term(self, township) -> bool:
        """Record a township's 换届 (the new term, its mandates, presidium and groups): its staff
        with the mandate permission, or the county admin (who sets up townships' terms)."""
        return self.can_write(township, "deputies.add_mandate") or (self.is_admin and township is not None)

    @property
    def can_admin_county(self) -> bool:
        """County-level administration: users, townships, county-wide bundles."""
        return self.is_admin

    # documents -------------------------------------------------------------------------

    def jobs(self):
        """Document jobs the user may see and download: the ones they asked for, and for
        township staff the township documents of their own township. Nobody else's."""
        from django.db.models import Q

        from .models import DocumentJob

        qs = DocumentJob.objects.all()
        if self.user is None or not self.user.is_authenticated:
            return qs.none()
        own = Q(requested_by=self.user)
        if self.is_township_staff:
            return qs.filter(own | Q(township_id=self.township_id))
        return qs.filter(own)

    def can_request_document(self, township=None) -> bool:
        """Township documents: staff of that township (and county users, masked). County-wide
        documents (township None): county users only."""
        if not self.user.has_perm("core.add_documentjob"):
            return False
        if township is None:
            return self.is_county
        return self.is_county or (self.is_township_staff and _township_id(township) == self.township_id)

    # personal data ---------------------------------------------------------------------

    def sees_personal(self, target) -> bool:
        """Phone, ID number and birth date in clear: only the deputy's own township's staff."""
        if self._mask_all:
            return False
        return self.is_township_staff and _township_id(target) == self.township_id

    def masked(self) -> Access:
        """The same user's policy for a document that leaves the township (the year-end
        bundle goes to the county): every personal field masked."""
        other = Access(self.user, selected_township_id=self._selected_township_id)
        other._mask_all = True
        return other

    def personal(self, deputy) -> Personal:
        if self.sees_personal(deputy):
            return Personal(
                phone=deputy.phone or "",
                id_number=deputy.id_number or "",
                birth_date=deputy.birth_date,
                masked=False,
            )
        return Personal(
            phone=mask_phone(deputy.phone),
            id_number=mask_id_number(deputy.id_number),
            birth_date=mask_birth_date(deputy.birth_date) or None,
            masked=True,
        )


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def authorize(by, target=None, perm: str | None = None, *, allowed=None) -> Access:
    """The one permission check of every service, first thing, before any rule or write:
    `by` may write `target` (a township, an id, or one of its rows) with permission `perm`
    ("app.codename"), or, with `allowed`, the policy's own question (`allowed(access)` true,
    e.g. `lambda a: a.can_edit_scheme(township)`). Otherwise ApplicationError("You may not do
    this."), the one failure mode for a refused actor whether the caller is a view, a command or
    a task. Returns the policy for the service's further questions."""
    from django.utils.translation import gettext as _

    from .exceptions import ApplicationError

    access = access_for(by)
    ok = allowed(access) if allowed is not None else access.can_write(target, perm)
    if not ok:
        raise ApplicationError(_("You may not do this."))
    return access


def access_for(user) -> Access:
    """The policy for a user outside a request (services, commands, tasks); cached on the user."""
    if user is None:
        return Access(None)
    cached = getattr(user, "_access", None)
    if cached is None or cached.user is not user:
        cached = Access(user)
        try:
            user._access = cached
        except AttributeError:  # AnonymousUser and friends
            pass
    return cached


class AccessMiddleware:
    """Sets `request.access` (after authentication), built once per request on first use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.functional import SimpleLazyObject

        request.access = SimpleLazyObject(lambda: Access.for_request(request))
        return self.get_response(request)
