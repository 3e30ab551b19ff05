"""Invented people for demo data, tests and benchmarks: one pool of names,
region codes, departments and mobile prefixes, and one way to make a valid ID
number. Plain Python (no Django), so that standalone generators can use it.

Every person made from these is invented: names from common characters, ID
numbers with valid GB 11643 check digits on Jiangmen-area region codes,
mobiles in the 13x/15x/18x ranges.
"""

from .idnumber import check_digit

SURNAMES = (
    "陈李黄张伍刘梁谭关赵林周吴何马朱胡郭罗郑谢许邓冯曹彭曾萧蔡余潘杜戴夏钟汪田任姜范方"
    "石姚廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰梅琳雪婷慧颖佳俊豪宇浩然"
    "子轩欣怡诗涵梓晨嘉瑞思远文博雅琪晓东海燕春秋冬振兴永健德胜金凤翠"
)
# 台山 (440781, and 440722 before 1992) and its neighbours in 江门.
REGIONS = ("440781", "440703", "440704", "440705", "440783", "440784", "440785")
DEPARTMENTS = (
    "办公室",
    "组织股",
    "宣传股",
    "综合股",
    "财务股",
    "业务一股",
    "业务二股",
    "人事股",
)
TITLES = ("科员", "办事员", "副股长", "股长", "文员", "主任", "副主任", "干部")
MOBILE_PREFIXES = ("138", "139", "137", "135", "150", "159", "186", "188", "133")


def id_number(region, birth, sequence):
    """A valid 18-digit number; ``sequence`` 0–999, odd for a man (GB 11643)."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


def name(rng):
    """A surname and one or two given-name characters."""
    return rng.choice(SURNAMES) + "".join(
        rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2]))
    )


def mobile(rng):
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
