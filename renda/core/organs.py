"""Organ and place names of a township, from its kind, in one place; every document uses them.

A 镇 is written 镇 (镇人大, 镇党委), a 乡 is written 乡 (乡人大, 乡党委). A 街道 has no people's
congress of its own: no session, no presidium, no township-level deputies; its 人大工委 (the
county standing committee's working committee) organises the county deputies elected there.

    organs = township_organs(township)            # or township_organs(name=…, kind=…)
    organs.congress     红旗镇人大 / 青山乡人大 / 城关街道人大工委
    organs.presidium    红旗镇人大主席团 / 青山乡人大主席团 / None
    organs.issuer       the presidium, or the 人大工委 where there is none
    organs.office       红旗镇人大办公室 / 城关街道人大工委办公室
    organs.word         镇 / 乡 / 街道 ("全镇", "镇人大代表")

No ORM access: plain strings in, a frozen dataclass out.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

XIANG, ZHEN, JIEDAO = "xiang", "zhen", "jiedao"


@dataclass(frozen=True)
class Organs:
    place: str  # the township's own name: 红旗镇
    kind: str  # xiang / zhen / jiedao
    word: str  # 镇 / 乡 / 街道
    has_congress: bool  # a 乡 or 镇 holds sessions and has township-level deputies
    has_presidium: bool
    congress: str  # 红旗镇人大 / 城关街道人大工委
    congress_full: str  # 红旗镇人民代表大会 / 城关街道人大工作委员会
    presidium: str | None  # 红旗镇人大主席团, None for a 街道
    issuer: str  # who signs the township's documents: the presidium or the 人大工委
    office: str  # 红旗镇人大办公室: where replies are sent
    party: str  # 镇党委 / 乡党委 / 街道党工委
    deputies: str  # 镇人大代表 / 乡人大代表; for a 街道 the county deputies elected there
    whole: str  # 全镇 / 全乡 / 全街道


def township_organs(township=None, *, name=None, kind=None) -> Organs:
    """The organ names of `township` (or of a township given by `name` and `kind`)."""
    if township is not None:
        name, kind = township.name, township.kind
    kind = kind or ZHEN
    word = {
        XIANG: pgettext("township kind", "xiang"),
        ZHEN: pgettext("township kind", "zhen"),
        JIEDAO: pgettext("township kind", "jiedao"),
    }.get(kind, pgettext("township kind", "zhen"))
    has_congress = kind != JIEDAO
    if has_congress:
        congress = _("%(place)s people's congress") % {"place": name}
        congress_full = _("%(place)s People's Congress (full name)") % {"place": name}
        presidium = _("%(place)s people's congress presidium") % {"place": name}
        issuer = presidium
        party = _("%(word)s party committee") % {"word": word}
        deputies = _("%(word)s people's congress deputies") % {"word": word}
    else:
        congress = _("%(place)s people's congress working committee") % {"place": name}
        congress_full = _("%(place)s people's congress working committee (full name)") % {"place": name}
        presidium = None
        issuer = congress
        party = _("%(word)s party working committee") % {"word": word}
        deputies = _("county people's congress deputies elected in the subdistrict")
    return Organs(
        place=name,
        kind=kind,
        word=word,
        has_congress=has_congress,
        has_presidium=has_congress,
        congress=congress,
        congress_full=congress_full,
        presidium=presidium,
        issuer=issuer,
        office=_("%(organ)s office") % {"organ": congress},
        party=party,
        deputies=deputies,
        whole=_("the whole %(word)s") % {"word": word},
    )


def document_filename(*, place, year=None, name, ext) -> str:
    """乡镇_年度_文件名.ext: the name every generated file is saved and downloaded under."""
    parts = [place]
    if year:
        parts.append(_("%(year)s (year)") % {"year": year})
    parts.append(name)
    safe = "_".join(p.replace("/", "／").replace("\\", "＼").strip() for p in parts if p)
    return f"{safe}.{ext}"
