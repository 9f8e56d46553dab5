"""Sort and search keys of a Chinese name: pinyin, pinyin initials, surname stroke count."""

import functools
from itertools import chain

from pypinyin import Style
from pypinyin.constants import RE_HANS
from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin

# pypinyin's lazy_pinyin() builds a new converter on every call, about a fifth of its time on a
# short name: one converter with lazy_pinyin()'s defaults, made once.
_CONVERTER = UltimateConverter(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False)
_PINYIN = Pinyin(_CONVERTER)


@functools.lru_cache(maxsize=1 << 14)
def _word_syllables(word: str, style: Style) -> tuple[str, ...]:
    """What lazy_pinyin() makes of one segment of Chinese characters. Without tone sandhi a
    segment's pinyin depends on the segment alone, and the segments are single characters and
    (prefixes of) pypinyin's dictionary words, which names repeat (王, 建国, 秀英): each is
    converted once, not once per name, which was two thirds of a name's time."""
    return tuple(chain.from_iterable(_CONVERTER.convert(word, style, False, "default", strict=True)))


def _lazy_pinyin(name: str, style: Style = Style.NORMAL) -> list[str]:
    """pypinyin's lazy_pinyin(name, style) with the Chinese segments' conversions cached; other
    text (letters, digits) is converted as it is and not kept."""
    syllables = []
    for word in _PINYIN.seg(name):
        if RE_HANS.match(word):
            syllables += _word_syllables(word, style)
        else:
            syllables += chain.from_iterable(_CONVERTER.convert(word, style, False, "default", strict=True))
    return syllables


# Stroke counts of common surnames (规范字). Compound surnames use their first character.
SURNAME_STROKES = {
    "丁": 2,
    "卜": 2,
    "于": 3,
    "万": 3,
    "马": 3,
    "卫": 3,
    "王": 4,
    "方": 4,
    "尹": 4,
    "孔": 4,
    "文": 4,
    "毛": 4,
    "牛": 4,
    "邓": 4,
    "韦": 4,
    "车": 4,
    "贝": 4,
    "石": 5,
    "叶": 5,
    "田": 5,
    "史": 5,
    "白": 5,
    "冯": 5,
    "卢": 5,
    "包": 5,
    "龙": 5,
    "甘": 5,
    "左": 5,
    "司": 5,
    "刘": 6,
    "孙": 6,
    "朱": 6,
    "江": 6,
    "许": 6,
    "任": 6,
    "向": 6,
    "华": 6,
    "汤": 6,
    "祁": 6,
    "庄": 6,
    "阮": 6,
    "齐": 6,
    "关": 6,
    "米": 6,
    "伍": 6,
    "毕": 6,
    "吕": 6,
    "乔": 6,
    "安": 6,
    "杨": 7,
    "李": 7,
    "吴": 7,
    "何": 7,
    "宋": 7,
    "张": 7,
    "陈": 7,
    "沈": 7,
    "杜": 7,
    "苏": 7,
    "汪": 7,
    "邱": 7,
    "余": 7,
    "严": 7,
    "谷": 7,
    "邵": 7,
    "冷": 7,
    "陆": 7,
    "花": 7,
    "岑": 7,
    "时": 7,
    "肖": 7,
    "芦": 7,
    "狄": 7,
    "库": 7,
    "应": 7,
    "邹": 7,
    "周": 8,
    "林": 8,
    "罗": 8,
    "金": 8,
    "郑": 8,
    "孟": 8,
    "范": 8,
    "武": 8,
    "易": 8,
    "苗": 8,
    "房": 8,
    "杭": 8,
    "庞": 8,
    "尚": 8,
    "欧": 8,
    "季": 8,
    "宗": 8,
    "练": 8,
    "岳": 8,
    "单": 8,
    "竺": 8,
    "胡": 9,
    "赵": 9,
    "俞": 9,
    "姚": 9,
    "洪": 9,
    "姜": 9,
    "施": 9,
    "贺": 9,
    "段": 9,
    "侯": 9,
    "柳": 9,
    "骆": 9,
    "钟": 9,
    "查": 9,
    "费": 9,
    "祝": 9,
    "宣": 9,
    "秋": 9,
    "柏": 9,
    "郝": 9,
    "夏": 10,
    "徐": 10,
    "高": 10,
    "唐": 10,
    "秦": 10,
    "袁": 10,
    "钱": 10,
    "顾": 10,
    "倪": 10,
    "殷": 10,
    "聂": 10,
    "耿": 10,
    "莫": 10,
    "晏": 10,
    "翁": 10,
    "凌": 10,
    "陶": 10,
    "桂": 10,
    "郭": 10,
    "黄": 11,
    "曹": 11,
    "梁": 11,
    "崔": 11,
    "康": 11,
    "常": 11,
    "盛": 11,
    "章": 11,
    "阎": 11,
    "萧": 11,
    "麻": 11,
    "屠": 11,
    "龚": 11,
    "符": 11,
    "商": 11,
    "隋": 11,
    "彭": 12,
    "程": 12,
    "董": 12,
    "韩": 12,
    "曾": 12,
    "谢": 12,
    "蒋": 12,
    "傅": 12,
    "童": 12,
    "舒": 12,
    "焦": 12,
    "鲁": 12,
    "葛": 12,
    "温": 12,
    "覃": 12,
    "储": 12,
    "詹": 13,
    "雷": 13,
    "路": 13,
    "蒲": 13,
    "赖": 13,
    "鲍": 13,
    "虞": 13,
    "裘": 13,
    "解": 13,
    "窦": 13,
    "蔡": 14,
    "廖": 14,
    "谭": 14,
    "熊": 14,
    "管": 14,
    "翟": 14,
    "黎": 15,
    "潘": 15,
    "樊": 15,
    "颜": 15,
    "滕": 15,
    "薛": 16,
    "霍": 16,
    "穆": 16,
    "冀": 16,
    "戴": 17,
    "魏": 17,
    "鞠": 17,
    "瞿": 18,
    "藏": 17,
    "边": 5,
    "卞": 4,
    "仇": 4,
    "尤": 4,
    "水": 4,
    "艾": 5,
    "冉": 5,
    "巩": 6,
    "吉": 6,
    "成": 6,
    "阳": 6,
    "纪": 6,
    "牟": 6,
    "闫": 6,
    "池": 6,
    "邢": 6,
    "连": 7,
    "来": 7,
    "辛": 7,
    "巫": 7,
    "贾": 10,
    "付": 5,
    "阚": 14,
    "鄢": 13,
    "戚": 11,
    "匡": 6,
    "祖": 9,
    "娄": 9,
    "钮": 9,
    "闻": 9,
    "裴": 14,
    "褚": 13,
    "缪": 14,
    "宁": 5,
    "容": 10,
    "栾": 10,
    "凤": 4,
    "郁": 8,
    "蔺": 14,
    "饶": 9,
    "邬": 6,
    "卓": 8,
    "蓝": 13,
    "景": 12,
    "都": 10,
    "柴": 10,
    "沙": 7,
    "喻": 12,
    "平": 5,
    "巴": 4,
    "寇": 11,
    "农": 6,
    "丛": 5,
    "蒙": 13,
    "谈": 10,
    "靳": 13,
    "苟": 8,
    "梅": 11,
    "屈": 8,
    "项": 9,
    "荣": 9,
    "宫": 9,
    "隆": 11,
    "全": 6,
    "伏": 6,
    "乐": 5,
    "鄂": 11,
    "邝": 6,
    "欧阳": 8,
    "司马": 5,
    "诸葛": 10,
    "上官": 3,
}


def surname_of(name: str) -> str:
    for compound in ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐"):
        if name.startswith(compound):
            return compound
    return name[:1]


def surname_strokes(name: str) -> int:
    """Stroke count of the surname; unknown surnames sort last within their pinyin."""
    name = name.strip()
    if not name:
        return 99
    return SURNAME_STROKES.get(surname_of(name), SURNAME_STROKES.get(name[:1], 99))


def name_keys(name: str) -> tuple[str, str, int]:
    """(full pinyin, initials, surname strokes) for search and the two official orderings."""
    name = name.strip()
    syllables = _lazy_pinyin(name)
    if RE_HANS.fullmatch(name) and all(s.isascii() and s.isalpha() for s in syllables):
        # An all-Chinese name: each syllable's first letter is its initial (pypinyin's
        # FIRST_LETTER style gives exactly that for every character and phrase it knows), so
        # the second, equally slow conversion is only needed for mixed or unknown text.
        initials = [s[0] for s in syllables]
    else:
        initials = _lazy_pinyin(name, Style.FIRST_LETTER)
    return "".join(syllables).lower(), "".join(initials).lower(), surname_strokes(name)
