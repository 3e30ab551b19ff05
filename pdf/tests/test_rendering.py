"""The rendering service: Chinese text, embedded subset fonts, metadata, no network."""

import gc
import io

import pytest
from django.core.checks import Error
from pypdf import PdfReader

from pdf import checks, rendering

from .pdfcheck import fonts

DOCUMENT = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>台山市义工注册登记表</title><meta name="author" content="台山市义务工作者联合会">
</head><body><h1>台山市义工注册登记表</h1>
<p>义工誓词：尽己所能，不计报酬，帮助他人，服务社会。</p>
<p><span class="box checked"></span>是 <span class="box"></span>否</p>
<p>签字：　　　　（加盖公章）　　年　月　日</p>{extra}</body></html>"""


def test_chinese_text_comes_out_with_embedded_subset_fonts(caplog):
    with caplog.at_level("WARNING", logger="weasyprint"):
        data = rendering.render_html(DOCUMENT.format(extra=""))
    # No glyph fell back (".notdef") and HarfBuzz, not fontTools, subset the fonts.
    assert [record.getMessage() for record in caplog.records] == []
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    for words in (
        "台山市义工注册登记表",
        "不计报酬",
        "（加盖公章）",
        "第 1 页 共 1 页",
    ):
        assert words in text.replace("\n", "")
    found = fonts(reader)
    families = {name.split("+", 1)[1] for name, _unicode, _cid in found}
    assert families >= {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC"}
    # Subset ("ABCDEF+" prefix), with a Unicode map so text can be copied and searched.
    assert all("+" in name and has_unicode and cid for name, has_unicode, cid in found)
    assert reader.metadata.title == "台山市义工注册登记表"
    assert reader.metadata.author == "台山市义务工作者联合会"


def test_identical_input_gives_identical_bytes():
    html = DOCUMENT.format(extra="")
    assert rendering.render_html(html) == rendering.render_html(html)


def test_a_template_cannot_reach_the_network(monkeypatch):
    opened = []
    monkeypatch.setattr(
        "urllib.request.OpenerDirector.open",
        lambda self, *args, **kwargs: opened.append(args) or None,
    )
    html = DOCUMENT.format(
        extra='<img src="http://192.0.2.1/x.png"><link rel="stylesheet" '
        'href="https://192.0.2.1/x.css">'
    )
    assert rendering.render_html(html).startswith(b"%PDF")
    assert opened == []
    with pytest.raises(ValueError, match="disallowed protocol"):
        rendering.url_fetcher().fetch("http://192.0.2.1/x.png")
    monkeypatch.undo()
    data_url = "data:text/plain;base64,5Lit5paH"
    assert rendering.url_fetcher().fetch(data_url) is not None


def test_a_bad_document_is_a_chinese_error(monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(rendering.HTML, "write_pdf", broken)
    with pytest.raises(rendering.RenderError, match="生成 PDF 文件时出错"):
        rendering.render_html(DOCUMENT.format(extra=""))


def test_render_pdf_fills_the_base_template(tmp_path, settings):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "probe.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>{{ name }}</h1>'
        "{% endblock %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    data = rendering.render_pdf("pdf/probe.html", {"name": "张三"}, title="名册")
    reader = PdfReader(io.BytesIO(data))
    assert "张三" in reader.pages[0].extract_text()
    assert reader.metadata.title == "名册"


# --- What the machine must have (and CI asserts through manage.py check) ---------------


def test_this_machine_has_the_fonts_and_the_subsetter():
    assert checks.check_cjk_fonts(None) == []
    assert checks.check_harfbuzz_subset(None) == []


def test_a_missing_cjk_font_is_an_error(monkeypatch):
    monkeypatch.setattr(checks, "installed_families", lambda: {"DejaVu Sans"})
    (error,) = checks.check_cjk_fonts(None)
    assert isinstance(error, Error) and error.id == "pdf.E001"
    assert "Noto Serif CJK SC" in error.msg and "fonts-noto-cjk" in error.hint


def test_a_missing_subsetter_is_an_error(monkeypatch):
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    (error,) = checks.check_harfbuzz_subset(None)
    assert error.id == "pdf.E002" and "libharfbuzz-subset0" in error.hint


def test_the_long_lived_heap_is_frozen_so_each_collection_is_cheap():
    rendering.render_html(DOCUMENT.format(extra=""))
    assert gc.get_freeze_count() > 0
