#!/usr/bin/env python3
"""Generate synthetic party-member volunteer rosters (名册) for tests and benchmarks.

Every person is invented (registry.invented: the project's one pool of names,
region codes and mobile prefixes, and its one ID-number maker with valid
GB 11643-1999 check digits); the columns are the project's own 名册 columns.

    gen_roster.py clean  OUT.xlsx|OUT.csv  [--rows N] [--seed S]
    gen_roster.py messy  OUT.xlsx          [--seed S]
    gen_roster.py gbk    OUT.csv           [--rows N] [--seed S]

clean: the 名册 layout of the 2012 plan (title row, 录入人/更新日期 row, header,
       rows) plus the extra columns 身份证号码 and 政治面貌.
messy: the same layout with the faults real spreadsheets have; column K
       (期望结果) says what an importer should do with each row.
gbk:   a plain CSV header + rows, encoded GBK as older Excel saves it.
Needs openpyxl for .xlsx output.
"""

import argparse
import csv
import datetime as dt
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry import invented  # noqa: E402  (plain Python: no Django needed)

EDUCATION = ["初中", "高中", "中专", "大专", "本科", "硕士研究生", "博士研究生"]
POLITICAL = ["中共党员", "中共党员", "中共党员", "中共预备党员", "共青团员", "群众"]
TODAY = dt.date(2026, 11, 1)


def header():
    """The 名册 columns as the project exports them, less the optional 民族."""
    from rosters.columns import EXPORT_COLUMNS  # needs Django set up (see main)

    return [column.label for column in EXPORT_COLUMNS if column.key != "ethnicity"]


def person(rng, i):
    male = rng.random() < 0.55
    born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 47))
    seq = rng.randrange(1, 999)
    if (seq % 2 == 1) != male:
        seq = seq + 1 if seq < 998 else seq - 1
    political = rng.choice(POLITICAL)
    joined = ""
    if political.startswith("中共"):
        j = born + dt.timedelta(
            days=365 * rng.randrange(19, 40) + rng.randrange(0, 365)
        )
        if (
            j > TODAY
        ):  # too young to have joined that late: a member of a few years' standing
            j = TODAY - dt.timedelta(days=rng.randrange(30, 365 * 3))
        if (
            political == "中共预备党员"
        ):  # probationary members joined within the last year
            j = TODAY - dt.timedelta(days=rng.randrange(1, 360))
        joined = j.strftime("%Y.%m.%d")
    phone = invented.mobile(rng)
    return {
        "序号": i,
        "姓名": invented.name(rng),
        "性别": "男" if male else "女",
        "出生年月": f"{born.year}-{born.month}",
        "学历": rng.choice(EDUCATION),
        "部门及职务": rng.choice(invented.DEPARTMENTS) + rng.choice(invented.TITLES),
        "入党时间": joined,
        "电话": phone,
        "备注": "",
        "身份证号码": invented.id_number(rng.choice(invented.REGIONS), born, seq),
        "政治面貌": political,
    }


def people(rng, n):
    rows = [person(rng, i + 1) for i in range(n)]
    if rows:
        rows[0]["备注"] = "负责人"
    if len(rows) > 1:
        rows[1]["备注"] = "联系人"
    return rows


def write_xlsx(path, rows, extra_header=None, title="党员义工名册"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "名册"
    columns = header() + (extra_header or [])
    ws.append([title])
    ws.append(["录入人", "李四", None, None, "更新日期", TODAY.isoformat()])
    ws.append(columns)
    for r in rows:
        ws.append([r.get(h) for h in columns])
    wb.save(path)


def write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as f:
        columns = header()
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        for r in rows:
            w.writerow({h: r.get(h, "") for h in columns})


def messy_rows(rng):
    """Rows an importer meets in real files, each with the expected outcome."""
    base = people(rng, 40)
    out = []

    def add(row, expect):
        row = dict(row)
        row["期望结果"] = expect
        out.append(row)

    for r in base[:10]:
        add(r, "导入")
    r = dict(base[10])
    r["出生年月"] = dt.datetime(
        int(r["出生年月"][:4]), int(r["出生年月"].split("-")[1]), 1
    )
    add(r, "导入：出生年月为 Excel 日期单元格")
    r = dict(base[11])
    y, m = r["出生年月"].split("-")
    r["出生年月"] = f"{y}.{int(m):02d}"
    add(r, "导入：出生年月写作 YYYY.MM")
    r = dict(base[12])
    y, m = r["出生年月"].split("-")
    r["出生年月"] = f"{y}年{m}月"
    add(r, "导入：出生年月写作 YYYY年M月")
    r = dict(base[13])
    r["入党时间"] = "2008/7/1"
    add(r, "导入：入党时间写作 YYYY/M/D")
    r = dict(base[14])
    r["姓名"] = " " + r["姓名"] + "　"
    add(r, "导入：姓名前后有半角/全角空格，应去除")
    r = dict(base[15])
    r["电话"] = r["电话"][:3] + "-" + r["电话"][3:7] + " " + r["电话"][7:]
    add(r, "导入：电话含分隔符，应规范为11位")
    r = dict(base[16])
    r["身份证号码"] = r["身份证号码"].translate(
        str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    )
    add(r, "导入：身份证号为全角字符，应转半角")
    r = dict(base[17])
    if r["身份证号码"].endswith("X"):
        r["身份证号码"] = r["身份证号码"][:-1] + "x"
    add(r, "导入：身份证末位小写 x 应视同 X")
    r = dict(base[18])
    r["性别"] = "女" if r["性别"] == "男" else "男"
    add(r, "拒绝：性别与身份证号第17位不符")
    r = dict(base[19])
    r["身份证号码"] = r["身份证号码"][:-1] + (
        "0" if r["身份证号码"][-1] != "0" else "1"
    )
    add(r, "拒绝：身份证号校验位错误")
    r = dict(base[20])
    r["身份证号码"] = (
        float(r["身份证号码"][:17] + "0")
        if not r["身份证号码"].endswith("X")
        else 4.40781e17
    )
    add(r, "拒绝：身份证号被 Excel 存成数字，已丢失精度")
    r = dict(base[21])
    r["姓名"] = ""
    add(r, "拒绝：姓名为空")
    add(dict(base[0]), "拒绝或合并：与第1行身份证号重复")
    r = dict(base[22])
    r["电话"] = "1234"
    add(r, "拒绝：电话不是有效号码")
    r = dict(base[23])
    r["出生年月"] = "1890-1"
    add(r, "拒绝：出生年月与身份证号不符")
    r = dict(base[24])
    r["学历"] = "本科学历"
    add(r, "导入：学历同义写法，应归一为“本科”")
    r = dict(base[25])
    r["姓名"] = '=HYPERLINK("http://example.invalid","点我")'
    add(r, "拒绝或原样保存为文本：公式注入，导出时必须转义")
    r = dict(base[26])
    r["入党时间"] = "2099.01.01"
    add(r, "拒绝：入党时间在未来")
    r = dict(base[27])
    r["政治面貌"] = "群众"
    r["入党时间"] = "2005.03.01"
    add(r, "拒绝：政治面貌为群众却填写入党时间")
    r = dict(base[28])
    r["身份证号码"] = ""
    add(r, "导入为待补全：无身份证号（样本名册本无此列）")
    for r in base[29:]:
        add(r, "导入")
    for i, r in enumerate(out, 1):
        r["序号"] = i
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("kind", choices=["clean", "messy", "gbk"])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=30)
    ap.add_argument("--seed", type=int, default=2012)
    a = ap.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings_test")
    import django

    django.setup()
    rng = random.Random(a.seed)
    if a.kind == "clean":
        rows = people(rng, a.rows)
        if a.out.endswith(".csv"):
            write_csv(a.out, rows)
        else:
            write_xlsx(a.out, rows)
    elif a.kind == "messy":
        write_xlsx(a.out, messy_rows(rng), extra_header=["期望结果"])
    else:
        write_csv(a.out, people(rng, a.rows), encoding="gbk")
    print(a.out, file=sys.stderr)


if __name__ == "__main__":
    main()
