"""Uploaded documents are checked by content, not by name: a renamed file is refused."""

import os

from django.utils.translation import gettext as _

from .exceptions import ApplicationError

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "doc": (OLE,),
    "xls": (OLE,),
}
DOCUMENT_TYPES = ("pdf", "jpg", "jpeg", "png", "docx", "doc")
MAX_SIZE = 20 * 1024 * 1024


def upload_check(upload, *, allowed=DOCUMENT_TYPES, max_size=MAX_SIZE, field="file"):
    """Refuse an upload whose extension is not allowed, that is too large, or whose first bytes
    do not match its extension. Returns the lower-case extension."""
    name = os.path.basename(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in allowed:
        raise ApplicationError(
            _("“%(name)s” is not an accepted file type (%(types)s).")
            % {"name": name, "types": "、".join(t.upper() for t in allowed)},
            field=field,
        )
    if upload.size > max_size:
        raise ApplicationError(
            _("The file is %(size)s MB; at most %(max)s MB is allowed.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": max_size // 1024 // 1024},
            field=field,
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[ext]):
        raise ApplicationError(
            _("The content of “%(name)s” does not match its file type.") % {"name": name}, field=field
        )
    return ext
