"""Pinyin of personal names, for search (``zhangsan``/``zs`` finds 张三) and sorting."""

import re

# pypinyin reads these characters with their common reading; as surnames they differ.
_SURNAME_READINGS = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "长孙": ("zhang", "sun"),
    "曾": ("zeng",),
    "区": ("ou",),
    "单": ("shan",),
    "解": ("xie",),
    "覃": ("qin",),
    "朴": ("piao",),
    "查": ("zha",),
    "乐": ("yue",),
    "仇": ("qiu",),
    "缪": ("miao",),
    "翟": ("zhai",),
    "盖": ("ge",),
    "种": ("chong",),
    "重": ("chong",),
    "繁": ("po",),
    "召": ("shao",),
    "秘": ("bi",),
    "句": ("gou",),
    "员": ("yun",),
    "折": ("she",),
    "藏": ("zang",),
    "长": ("chang",),
    "卜": ("bu",),
    "薄": ("bo",),
    "隗": ("wei",),
}
_SURNAMES_LONGEST_FIRST = sorted(_SURNAME_READINGS, key=len, reverse=True)
_LETTERS = re.compile(r"[a-z]+")


def name_pinyin(name):
    """Return ``("zhang san", "zs")`` for 张三.

    Syllables are separated by spaces so that sorting on the full pinyin puts
    李 (li) before 林 (lin); search compares with the spaces removed.
    Non-Han characters keep their ASCII letters and drop everything else.
    """
    name = (name or "").strip()
    head = ()
    for surname in _SURNAMES_LONGEST_FIRST:
        if name.startswith(surname):
            head = _SURNAME_READINGS[surname]
            name = name[len(surname) :]
            break
    # Imported here: pypinyin's dictionaries take ~57 MB, which processes that
    # never save a name (PDF workers, most page views) need not hold.
    from pypinyin import lazy_pinyin

    syllables = [*head]
    for chunk in lazy_pinyin(name):
        syllables.extend(_LETTERS.findall(chunk.lower()))
    return " ".join(syllables), "".join(s[0] for s in syllables)
