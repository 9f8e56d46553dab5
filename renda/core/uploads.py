"""Every upload goes through here: type checked by content, not by name (a renamed file is
refused), a size limit, and photos re-encoded with Pillow (EXIF and anything hidden dropped).

- `upload_check(upload, allowed=…, max_size=…)`: documents (PDF, images, Word/Excel);
- `photo_clean(upload)`: a deputy's photo, decoded and written again as JPEG or PNG;
- `FORM_UPLOADS`: the same check for a model form's file field (`upload_check_field`)."""

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
PHOTO_MAX_SIZE = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 2000  # pixels; larger photos are scaled down


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


def photo_clean(upload, *, field="photo", max_size=PHOTO_MAX_SIZE):
    """Decode a photo with Pillow and encode it again (JPEG, or PNG when it has transparency):
    EXIF (GPS position, camera serial…) and anything appended to the file are dropped."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = os.path.basename(getattr(upload, "name", "") or "photo")
    if upload.size > max_size:
        raise ApplicationError(
            _("The file is %(size)s MB; at most %(max)s MB is allowed.")
            % {"size": round(upload.size / 1024 / 1024, 1), "max": max_size // 1024 // 1024},
            field=field,
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as img:
            if img.format not in ("JPEG", "PNG", "GIF", "WEBP", "BMP"):
                raise UnidentifiedImageError(img.format)
            img = ImageOps.exif_transpose(img)
            img.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            out = io.BytesIO()
            if img.mode in ("RGBA", "LA", "P") and "transparency" in img.info or img.mode in ("RGBA", "LA"):
                img.convert("RGBA").save(out, "PNG", optimize=True)
                ext = "png"
            else:
                img.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
                ext = "jpg"
    except ApplicationError:
        raise
    except Exception:  # Pillow raises many kinds of errors on a broken or disguised file
        raise ApplicationError(
            _("“%(name)s” is not a picture that can be read (JPG or PNG).") % {"name": name}, field=field
        ) from None
    stem = name.rsplit(".", 1)[0][:80] or "photo"
    return ContentFile(out.getvalue(), name=f"{stem}.{ext}")
