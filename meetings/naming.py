"""Chinese numerals for official titles: 第十八届第三次会议."""

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 18 → 十八, 25 → 二十五, 100+ falls back to Arabic digits."""
    n = int(n)
    if n < 0 or n >= 100:
        return str(n)
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def session_full_name(session) -> str:
    """第十八届人民代表大会第四次会议: a session's name in documents (the term read with it)."""
    from django.utils.translation import gettext as _

    return _("%(term)sth People's Congress, session %(number)s") % {
        "term": chinese_number(session.term.number),
        "number": chinese_number(session.number),
    }
