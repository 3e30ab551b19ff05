"""System checks: what every PDF needs from the machine, asserted by `manage.py check`.

Without a CJK font the forms print boxes instead of Chinese; without HarfBuzz's
subsetter (Debian's libharfbuzz-subset0) WeasyPrint falls back to fontTools and
a one-page form takes some 8 s instead of 0.3 s. `make test` runs
`manage.py check --fail-level WARNING`, so CI fails on either.
"""

import shutil
import subprocess

from django.core.checks import Error, register

# The faces the print stylesheet asks for (static/pdf/print.css).
CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans Mono CJK SC")


def installed_families():
    """Font families fontconfig knows for simplified Chinese."""
    if shutil.which("fc-list") is None:
        return set()
    listing = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout
    return {
        family.strip()
        for line in listing.splitlines()
        for family in line.split(",")
        if family.strip()
    }


def harfbuzz_subsetter_available():
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is not None and ffi.harfbuzz.hb_version_atleast(4, 1, 0)


@register()
def check_cjk_fonts(app_configs, **kwargs):
    missing = [family for family in CJK_FAMILIES if family not in installed_families()]
    if not missing:
        return []
    return [
        Error(
            f"缺少中文字体：{'、'.join(missing)}；打印文件会缺字。",
            hint="安装 Debian 软件包 fonts-noto-cjk（make install 会安装）。",
            id="pdf.E001",
        )
    ]


@register()
def check_harfbuzz_subset(app_configs, **kwargs):
    if harfbuzz_subsetter_available():
        return []
    return [
        Error(
            "WeasyPrint 找不到 HarfBuzz 字体子集库，中文 PDF 会慢二三十倍。",
            hint="安装 Debian 软件包 libharfbuzz-subset0（make install 会安装）。",
            id="pdf.E002",
        )
    ]
