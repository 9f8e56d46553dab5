"""The words of a Chinese roster spreadsheet: column headers and cell values as secretaries
type them. This is a data format (the same in every UI language), so it is not translated."""

import datetime as dt
import functools
import re
import unicodedata

from .choices import ETHNICITIES

# The twelve columns, in template order: (header, key).
COLUMNS = [
    ("姓名", "name"),
    ("性别", "gender"),
    ("民族", "ethnicity"),
    ("出生年月", "birth"),
    ("政治面貌", "affiliation"),
    ("文化程度", "education"),
    ("工作单位及职务", "work_unit"),
    ("选区", "constituency"),
    ("代表层级", "levels"),
    ("代表小组", "group"),
    ("联系电话", "phone"),
    ("身份证号", "id_number"),
]
# The template adds the election date (the mandates' start) to the export's twelve columns.
TEMPLATE_COLUMNS = [*COLUMNS, ("当选日期", "elected")]
HEADER_OF = {key: header for header, key in TEMPLATE_COLUMNS} | {"term": "届次"}
REQUIRED_COLUMNS = ["name", "gender", "birth", "levels"]
HEADER_ALIASES = {
    "姓名": "name",
    "代表姓名": "name",
    "性别": "gender",
    "民族": "ethnicity",
    "出生年月": "birth",
    "出生日期": "birth",
    "出生年月日": "birth",
    "生日": "birth",
    "政治面貌": "affiliation",
    "党派": "affiliation",
    "文化程度": "education",
    "学历": "education",
    "文化": "education",
    "工作单位及职务": "work_unit",
    "工作单位及职务(职业)": "work_unit",
    "工作单位": "work_unit",
    "单位及职务": "work_unit",
    "工作单位和职务": "work_unit",
    "单位职务": "work_unit",
    "选区": "constituency",
    "所在选区": "constituency",
    "选区名称": "constituency",
    "代表层级": "levels",
    "层级": "levels",
    "代表级别": "levels",
    "代表类别": "levels",
    "代表小组": "group",
    "所在小组": "group",
    "小组": "group",
    "所属代表小组": "group",
    "联系电话": "phone",
    "电话": "phone",
    "手机": "phone",
    "手机号码": "phone",
    "联系方式": "phone",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "身份证": "id_number",
    # Spellings seen in county offices' and other congress systems' rosters.
    "代表层次": "levels",
    "代表阶层": "levels",
    "层次": "levels",
    "代表层级(级别)": "levels",
    "当选层级": "levels",
    "代表届别层级": "levels",
    "人大代表层级": "levels",
    "政治面目": "affiliation",
    "党派面貌": "affiliation",
    "最高学历": "education",
    "学历学位": "education",
    "学历(学位)": "education",
    "全日制教育": "education",
    "在职教育": "education",
    "文化程度(学历)": "education",
    "现工作单位及职务": "work_unit",
    "现工作单位及职务(职称)": "work_unit",
    "工作单位及职务(职称)": "work_unit",
    "工作单位及现任职务": "work_unit",
    "工作单位职务": "work_unit",
    "现任职务": "post",
    "职务": "post",
    "职务(职称)": "post",
    "现职务": "post",
    "单位及职务(职称)": "work_unit",
    "现工作单位": "work_unit",
    "选区(选举单位)": "constituency",
    "选举单位": "constituency",
    "原选区": "constituency",
    "代表小组名称": "group",
    "所属小组": "group",
    "联系电话(手机)": "phone",
    "手机号": "phone",
    "移动电话": "phone",
    "联系手机": "phone",
    "身份证号码(18位)": "id_number",
    "身份证件号码": "id_number",
    "公民身份证号码": "id_number",
    "届别": "term",
    "届次": "term",
    "当选届次": "term",
    "当选日期": "elected",
    "当选时间": "elected",
    "当选年月日": "elected",
    "选举日期": "elected",
    "当选日期(任职起始)": "elected",
    "出生年月(年龄)": "birth",
    "出生年月(岁)": "birth",
    "出生时间": "birth",
}
# What each recognised column is read into, for the preview's list of columns (a data format,
# like the headers themselves).
FIELD_LABEL = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth": "出生年月",
    "affiliation": "政治面貌",
    "education": "文化程度",
    "work_unit": "工作单位及职务",
    "post": "工作单位及职务（职务部分）",
    "constituency": "选区",
    "levels": "代表层级",
    "group": "代表小组",
    "phone": "联系电话",
    "id_number": "身份证号",
    "term": "届次（与本届核对）",
    "elected": "当选日期（任期开始）",
}
# Headers that carry no deputy data: read, never stored, listed as such in the preview.
IGNORED_HEADERS = {"序号", "编号", "序", "排序", "No", "NO", "No."}
# Words a sub-header under a level group header uses for one level (a tick column per level).
LEVEL_FLAG_TRUE = {"√", "✓", "✔", "是", "1", "Y", "y", "V", "v", "●", "○", "★", "☑", "有"}

GENDER_WORDS = {"男": "M", "男性": "M", "女": "F", "女性": "F", "M": "M", "F": "F"}
GENDER_LABEL = {"M": "男", "F": "女"}

# 政治面貌 after GB/T 4762: the stored code, and for a democratic party which one (its short name).
# Each party: (code, short name, full name, member word).
DEMOCRATIC_PARTIES = [
    ("minge", "民革", "中国国民党革命委员会", "会员"),
    ("minmeng", "民盟", "中国民主同盟", "盟员"),
    ("minjian", "民建", "中国民主建国会", "会员"),
    ("minjin", "民进", "中国民主促进会", "会员"),
    ("nonggong", "农工党", "中国农工民主党", "党员"),
    ("zhigong", "致公党", "中国致公党", "党员"),
    ("jiusan", "九三学社", "九三学社", "社员"),
    ("taimeng", "台盟", "台湾民主自治同盟", "盟员"),
]
PARTY_SHORT = {code: short for code, short, _full, _member in DEMOCRATIC_PARTIES}
AFFILIATION_WORDS = {
    "中共党员": ("cpc", ""),
    "党员": ("cpc", ""),
    "中国共产党党员": ("cpc", ""),
    "中国共产党": ("cpc", ""),
    "共产党员": ("cpc", ""),
    "共产党": ("cpc", ""),
    "中共": ("cpc", ""),
    "中共正式党员": ("cpc", ""),
    "正式党员": ("cpc", ""),
    "中共预备党员": ("cpc_prob", ""),
    "预备党员": ("cpc_prob", ""),
    "中国共产党预备党员": ("cpc_prob", ""),
    "共青团员": ("league", ""),
    "团员": ("league", ""),
    "共青团": ("league", ""),
    "中国共产主义青年团团员": ("league", ""),
    "中国共产主义青年团": ("league", ""),
    "民主党派": ("dem", ""),
    "民主党派成员": ("dem", ""),
    "民主党派人士": ("dem", ""),
    "无党派": ("nonparty", ""),
    "无党派人士": ("nonparty", ""),
    "无党派民主人士": ("nonparty", ""),
    "群众": ("masses", ""),
    "普通群众": ("masses", ""),
}
for _code, _short, _full, _member in DEMOCRATIC_PARTIES:
    for _name in {_short, _full}:
        for _suffix in ("", _member, "成员", "党员", "会员", "盟员", "社员"):
            AFFILIATION_WORDS.setdefault(_name + _suffix, ("dem", _code))
AFFILIATION_LABEL = {
    "cpc": "中共党员",
    "cpc_prob": "中共预备党员",
    "league": "共青团员",
    "dem": "民主党派",
    "nonparty": "无党派人士",
    "masses": "群众",
}


def affiliation_label(code, party=""):
    """'民主党派（民盟）' for a democratic party member whose party is known."""
    label = AFFILIATION_LABEL.get(code, "")
    return f"{label}（{PARTY_SHORT[party]}）" if code == "dem" and party in PARTY_SHORT else label


def affiliation_export_label(code, party=""):
    """The words a roster uses, which read back to the same value: 民盟盟员, 中共党员…"""
    for pcode, short, _full, member in DEMOCRATIC_PARTIES:
        if code == "dem" and party == pcode:
            return short + member
    return AFFILIATION_LABEL.get(code, "")


# 文化程度 after GB/T 4658, in the seven levels the roster stores. Party-school degrees count at
# the level they are granted at (中央党校大学 = 大学本科); 在职 / 函授 / 自考 keep the level.
EDUCATION_WORDS = {
    "研究生": "postgrad",
    "硕士": "postgrad",
    "博士": "postgrad",
    "硕士研究生": "postgrad",
    "博士研究生": "postgrad",
    "硕士学位": "postgrad",
    "博士学位": "postgrad",
    "中央党校研究生": "postgrad",
    "省委党校研究生": "postgrad",
    "党校研究生": "postgrad",
    "MBA": "postgrad",
    "EMBA": "postgrad",
    "大学": "bachelor",
    "本科": "bachelor",
    "大学本科": "bachelor",
    "大本": "bachelor",
    "学士": "bachelor",
    "中央党校大学": "bachelor",
    "中央党校本科": "bachelor",
    "省委党校大学": "bachelor",
    "省委党校本科": "bachelor",
    "党校大学": "bachelor",
    "党校本科": "bachelor",
    "大专": "college",
    "专科": "college",
    "大学专科": "college",
    "高职": "college",
    "高职高专": "college",
    "高等职业教育": "college",
    "电大": "college",
    "中央党校大专": "college",
    "省委党校大专": "college",
    "党校大专": "college",
    "中专": "secondary",
    "中技": "secondary",
    "中等专科": "secondary",
    "中等专业学校": "secondary",
    "职高": "secondary",
    "职业高中": "secondary",
    "技校": "secondary",
    "技工学校": "secondary",
    "中师": "secondary",
    "中等师范": "secondary",
    "中职": "secondary",
    "中等职业教育": "secondary",
    "高中": "high",
    "普通高中": "high",
    "高级中学": "high",
    "初中": "junior",
    "初级中学": "junior",
    "小学": "primary",
}
EDUCATION_LABEL = {
    "postgrad": "研究生",
    "bachelor": "大学本科",
    "college": "大学专科",
    "secondary": "中专",
    "high": "高中",
    "junior": "初中",
    "primary": "小学",
}
EDUCATION_RANK = ["primary", "junior", "high", "secondary", "college", "bachelor", "postgrad"]
_EDUCATION_PREFIXES = ("在职", "全日制", "函授", "自考", "成人", "网络", "业余", "夜大", "广播电视")
_EDUCATION_SUFFIXES = ("毕业", "学历", "结业", "肄业", "文化", "程度", "在读")

LEVEL_LABEL = {"national": "全国", "provincial": "省", "city": "市", "county": "县", "township": "乡镇"}
LEVEL_ORDER = ["national", "provincial", "city", "county", "township"]
_LEVEL_ENDINGS = [
    ("全国", "national"),
    ("省", "provincial"),
    ("市", "city"),
    ("县", "county"),
    ("区", "county"),
    ("乡镇", "township"),
    ("乡", "township"),
    ("镇", "township"),
    ("街道", "township"),
]

CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def normalize(value) -> str:
    """Text of a cell: full-width to half-width (NFKC), trimmed; None → ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def plain(value) -> str:
    """Text of a free-text cell, trimmed (including full-width spaces) but otherwise as typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def header_key(value):
    return header_key_of_text(re.sub(r"\s+", "", normalize(value)))


@functools.lru_cache(maxsize=4096)
def header_key_of_text(text: str):
    """`header_key` of a cell's text already normalized and without spaces. Cached: the importer
    asks it of every cell of every row (is this a repeated header?), and a roster's columns
    repeat their values."""
    text = text.replace("（", "(").replace("）", ")")
    found = HEADER_ALIASES.get(text)
    if found is None and "(" in text:
        found = HEADER_ALIASES.get(re.sub(r"\(.*?\)", "", text))
    return found


def parse_gender(text):
    return GENDER_WORDS.get(text.replace(" ", "").upper() if text.isascii() else text.replace(" ", ""))


def parse_ethnicity(text):
    text = text.replace(" ", "")
    if text in ETHNICITIES:
        return text
    if text + "族" in ETHNICITIES:
        return text + "族"
    return None


def _bare(text):
    """Spaces and a bracketed remark dropped: '本科（在职）' → '本科'."""
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[(（][^)）]*[)）]", "", text) or text


def parse_affiliation(text):
    """'中国民主同盟' → ('dem', 'minmeng'); '团员' → ('league', ''); None when unknown."""
    text = re.sub(r"\s+", "", text)
    return AFFILIATION_WORDS.get(text) or AFFILIATION_WORDS.get(_bare(text))


def parse_education(text):
    """'中央党校大学' → 'bachelor', '本科（在职）' → 'bachelor', '技校' → 'secondary'; None when unknown."""
    text = _bare(text).upper()
    for _round in range(2):
        if text in EDUCATION_WORDS:
            return EDUCATION_WORDS[text]
        for suffix in _EDUCATION_SUFFIXES:
            if text.endswith(suffix) and text.removesuffix(suffix) in EDUCATION_WORDS:
                return EDUCATION_WORDS[text.removesuffix(suffix)]
        for prefix in _EDUCATION_PREFIXES:
            if text.startswith(prefix):
                text = text.removeprefix(prefix)
                break
        else:
            return None
    return None


# A cell like 县乡 or 市县乡三级 names several levels with no separator between them.
_LEVEL_RUN = re.compile(r"(?:全国|省|市|县|区|乡镇|乡|镇|街道)+")
_LEVEL_TOKEN = re.compile(r"全国|省|市|县|区|乡镇|乡|镇|街道")


def parse_levels(text):
    """'乡镇、县' / '县人大代表,镇人大代表' / '县乡两级' → ['county', 'township'] (None when a part
    is unknown). A place name before the level ('无为市人大代表') names one level, its last."""
    parts = [p for p in re.split(r"[、,;/\s+和及]+", text.replace("，", ",").replace("；", ";")) if p]
    levels = []
    for part in parts:
        word = part
        for suffix in ("人大代表", "代表", "人大", "两级", "三级", "四级", "五级", "级"):
            word = word.removesuffix(suffix)
        if not word:
            return None
        if _LEVEL_RUN.fullmatch(word):
            found = [_level_code(t) for t in _LEVEL_TOKEN.findall(word)]
        else:
            found = None
            for ending, code in _LEVEL_ENDINGS:
                if word.endswith(ending):
                    found = [code]
                    break
            if found is None:
                return None
        for level in found:
            if level not in levels:
                levels.append(level)
    return sorted(levels, key=LEVEL_ORDER.index) if levels else None


def _level_code(token):
    return dict(_LEVEL_ENDINGS)[token]


def level_flag(text):
    """A sub-header under a level group header: '县级' / '乡镇人大代表' → 'county' / 'township'."""
    levels = parse_levels(text) if text else None
    return levels[0] if levels and len(levels) == 1 else None


def parse_term_number(text):
    """'第十八届' / '十八届' / '18' → 18."""
    text = re.sub(r"\s+", "", text).removesuffix("人大").removesuffix("届")
    text = text.removeprefix("第")
    if text.isdigit():
        return int(text)
    return parse_group_number("第" + text)


def levels_label(levels):
    return "、".join(LEVEL_LABEL[lv] for lv in sorted(levels, key=LEVEL_ORDER.index))


def parse_group_number(text):
    """'3' / '第3组' / '第三代表小组' → 3."""
    m = re.search(r"\d+", text)
    if m:
        return int(m.group())
    m = re.search(r"第([一二三四五六七八九十]+)", text)
    if m:
        word = m.group(1)
        if word == "十":
            return 10
        if word.startswith("十"):
            return 10 + CN_NUMBERS[word[1]]
        if len(word) == 2 and word.endswith("十"):
            return CN_NUMBERS[word[0]] * 10
        if len(word) == 3 and word[1] == "十":
            return CN_NUMBERS[word[0]] * 10 + CN_NUMBERS[word[2]]
        return CN_NUMBERS.get(word)
    return None


_AGE_NOTE = re.compile(r"[(（]\s*\d{1,3}\s*岁?\s*[)）]|\d{1,3}岁")


def parse_date(value, *, kind="birth", today=None):
    """A date cell → (date, month_only) or None, in every unambiguous written form: date cells,
    1968.05, 1968.5, 1968年5月, 1968-05-12, 1968/5/12, 1968,02, 19680512, 196805, "1968.05\n（58岁）"
    and two-digit years (61.01) where only one century fits (a birth date 18 to 110 years ago, an
    election since 1950). A number cell 1968.1 is read as October: Excel drops the trailing zero
    of 1968.10 (January is typed 1968.01); 1968.5 is May."""
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer() and (1900 < value < 2100 or 0 <= value < 100):
            year, _dot, frac = f"{value:.2f}".partition(".")
            if frac == "10":
                month = 10
            elif frac.endswith("0"):
                month = int(frac[0])  # 1968.5 → May
            else:
                month = int(frac)
            year = _century(int(year), kind, today) if len(year) <= 2 else int(year)
            return _month(year, month) if year else None
        value = str(int(value))
    text = _AGE_NOTE.sub("", normalize(value))
    text = re.sub(r"\s+", "", text).removesuffix("生").removesuffix("出")
    if not text:
        return None
    m = re.fullmatch(r"(\d{4}|\d{2})[.\-/年,，、](\d{1,2})(?:[.\-/月,，、](\d{1,2})日?|月)?[.]?", text)
    if m:
        year, month, day = m.group(1), int(m.group(2)), m.group(3)
        year = _century(int(year), kind, today) if len(year) == 2 else int(year)
        if not year:
            return None
        if day:
            try:
                return dt.date(year, month, int(day)), False
            except ValueError:
                return None
        return _month(year, month)
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
        if day:
            try:
                return dt.date(year, month, int(day)), False
            except ValueError:
                return None
        return _month(year, month)
    return None


def _century(yy, kind, today):
    """The one four-digit year a two-digit year can be, or None when both centuries fit."""
    if kind == "birth":
        fits = [y for y in (1900 + yy, 2000 + yy) if 18 <= today.year - y <= 110]
    else:
        fits = [y for y in (1900 + yy, 2000 + yy) if 1950 <= y <= today.year]
    return fits[0] if len(fits) == 1 else None


def _month(year, month):
    if not (1 <= month <= 12 and 1900 < year < 2100):
        return None
    return dt.date(year, month, 1), True


def date_label(date, month_only):
    return f"{date.year}年{date.month}月" if month_only else f"{date.year}年{date.month}月{date.day}日"


def clean_name(text):
    return re.sub(r"\s+", "", text)


def clean_phone(text):
    return re.sub(r"[\s\-]", "", text).lstrip("'‘’`")


def clean_id_number(text):
    """An ID number as typed, a leading apostrophe (Excel's text marker, kept by CSV) dropped."""
    return re.sub(r"\s+", "", text).lstrip("'‘’`").upper()
