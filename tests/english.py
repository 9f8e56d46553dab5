"""Find English a Chinese user would read on a page: visible text and the texts assistive
technology reads (title, aria-label, placeholder, alt, button values), minus scripts, styles,
elements marked with another language (`lang="en"` on the "English" switch) and data."""

import re
from html.parser import HTMLParser

# Words that are Chinese usage, not English: file formats, key names, acronyms.
ALLOWED = {
    "Excel",
    "Word",
    "PDF",
    "xlsx",
    "xls",
    "CSV",
    "csv",
    "WPS",
    "HTML",
    "docx",
    "zip",
    "Ctrl",
    "Command",
    "Mac",
    "LDAP",
    "IP",
    "HTTP",
    "GET",
    "POST",
    "SHA",
    "PNG",
    "JPG",
    "Enter",
    "Tab",
    "Esc",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
SKIP_TAGS = {"script", "style", "noscript", "template", "code"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self.stack = []  # (tag, skipped)

    @property
    def skipping(self):
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        lang = (a.get("lang") or "").lower()
        skipped = tag in SKIP_TAGS or (lang and not lang.startswith("zh"))
        if not self.skipping and not skipped:
            for key in ("title", "aria-label", "placeholder", "alt"):
                if a.get(key):
                    self.texts.append(a[key])
            if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
                self.texts.append(a["value"])
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def page_texts(html):
    parser = _Text()
    parser.feed(html)
    return parser.texts


def english_words(html, data=frozenset()):
    """The English words of a page; `data` are words that come from the records (user names,
    township codes, pinyin), which are not interface text."""
    found = []
    for text in page_texts(html):
        if "*****" in text or "pbkdf2" in text:  # a password hash summary
            continue
        for word in WORD.findall(text):
            if word not in ALLOWED and word not in data and word.lower() not in data:
                found.append(word)
    return found


def data_words():
    """ASCII words stored in the demo's records, which pages show as data."""
    from axes.models import AccessAttempt, AccessLog

    from deputies.models import Deputy
    from proposals.models import Proposal
    from renda.core.models import Township, User

    words = set()
    values = list(User.objects.values_list("username", "email"))
    values += list(Township.objects.values_list("code", flat=True))
    values += list(Deputy.objects.values_list("name_pinyin", "name_initials"))
    values += list(Proposal.objects.values_list("number_scope", flat=True).distinct())
    values += list(AccessLog.objects.values_list("user_agent", "http_accept", "path_info", "username"))
    values += list(AccessAttempt.objects.values_list("user_agent", "http_accept", "path_info", "username"))
    for v in values:
        for part in v if isinstance(v, tuple) else (v,):
            for word in WORD.findall(part or ""):
                words.add(word)
                words.add(word.lower())
    return frozenset(words)
