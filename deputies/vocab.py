"""The words of a Chinese roster spreadsheet: column headers and cell values as secretaries
type them. This is a data format (the same in every UI language), so it is not translated."""

import datetime as dt
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
HEADER_OF = {key: header for header, key in COLUMNS}
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
}

GENDER_WORDS = {"男": "M", "男性": "M", "女": "F", "女性": "F", "M": "M", "F": "F"}
GENDER_LABEL = {"M": "男", "F": "女"}

AFFILIATION_WORDS = {
    "中共党员": "cpc",
    "党员": "cpc",
    "中国共产党党员": "cpc",
    "共产党员": "cpc",
    "中共": "cpc",
    "中共预备党员": "cpc_prob",
    "预备党员": "cpc_prob",
    "民主党派": "dem",
    "民革": "dem",
    "民革党员": "dem",
    "民盟": "dem",
    "民盟盟员": "dem",
    "民建": "dem",
    "民建会员": "dem",
    "民进": "dem",
    "民进会员": "dem",
    "农工党": "dem",
    "农工党党员": "dem",
    "致公党": "dem",
    "致公党党员": "dem",
    "九三学社": "dem",
    "九三学社社员": "dem",
    "台盟": "dem",
    "台盟盟员": "dem",
    "无党派": "nonparty",
    "无党派人士": "nonparty",
    "无党派民主人士": "nonparty",
    "群众": "masses",
}
AFFILIATION_LABEL = {
    "cpc": "中共党员",
    "cpc_prob": "中共预备党员",
    "dem": "民主党派",
    "nonparty": "无党派人士",
    "masses": "群众",
}

EDUCATION_WORDS = {
    "研究生": "postgrad",
    "硕士": "postgrad",
    "博士": "postgrad",
    "研究生学历": "postgrad",
    "硕士研究生": "postgrad",
    "博士研究生": "postgrad",
    "大学": "bachelor",
    "本科": "bachelor",
    "大学本科": "bachelor",
    "大本": "bachelor",
    "本科学历": "bachelor",
    "大专": "college",
    "专科": "college",
    "大学专科": "college",
    "大专学历": "college",
    "中专": "secondary",
    "中技": "secondary",
    "中等专科": "secondary",
    "职高": "secondary",
    "中专学历": "secondary",
    "高中": "high",
    "高中学历": "high",
    "初中": "junior",
    "初中学历": "junior",
    "小学": "primary",
    "小学学历": "primary",
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
    text = re.sub(r"\s+", "", normalize(value))
    text = text.replace("（", "(").replace("）", ")")
    return HEADER_ALIASES.get(text) or HEADER_ALIASES.get(re.sub(r"\(.*?\)", "", text))


def parse_gender(text):
    return GENDER_WORDS.get(text.replace(" ", "").upper() if text.isascii() else text.replace(" ", ""))


def parse_ethnicity(text):
    text = text.replace(" ", "")
    if text in ETHNICITIES:
        return text
    if text + "族" in ETHNICITIES:
        return text + "族"
    return None


def parse_affiliation(text):
    return AFFILIATION_WORDS.get(text.replace(" ", ""))


def parse_education(text):
    text = text.replace(" ", "")
    return EDUCATION_WORDS.get(text) or EDUCATION_WORDS.get(text.removesuffix("毕业"))


def parse_levels(text):
    """'乡镇、县' / '县人大代表,镇人大代表' → ['county', 'township'] (None when a part is unknown)."""
    parts = [p for p in re.split(r"[、,;/\s]+", text.replace("，", ",").replace("；", ";")) if p]
    levels = []
    for part in parts:
        word = part.removesuffix("人大代表").removesuffix("代表").removesuffix("人大").removesuffix("级")
        level = None
        for ending, code in _LEVEL_ENDINGS:
            if word.endswith(ending) or word == ending:
                level = code
                break
        if level is None:
            return None
        if level not in levels:
            levels.append(level)
    return sorted(levels, key=LEVEL_ORDER.index)


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


def parse_birth(value):
    """A birth date cell → (date, month_only) or None. Accepts date cells, 1968.05, 1968年5月,
    1968-05-12, 19680512, 196805. A number cell 1968.1 is read as October: Excel drops the
    trailing zero of 1968.10 (January is typed 1968.01); 1968.5 is May."""
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1900 < value < 2100 and not float(value).is_integer():
            year, _dot, frac = f"{value:.2f}".partition(".")
            if frac == "10":
                month = 10
            elif frac.endswith("0"):
                month = int(frac[0])  # 1968.5 → May
            else:
                month = int(frac)
            return _month(int(year), month)
        value = str(int(value))
    text = normalize(value).replace(" ", "")
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})[.\-/年](\d{1,2})(?:[.\-/月](\d{1,2})日?|月)?", text)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
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


def _month(year, month):
    if not (1 <= month <= 12 and 1900 < year < 2100):
        return None
    return dt.date(year, month, 1), True


def clean_name(text):
    return re.sub(r"\s+", "", text)


def clean_phone(text):
    return re.sub(r"[\s\-]", "", text)
