"""One-page forms, warm: pdf.rendering against a plain WeasyPrint call per render.

    .venv/bin/python bench/pdf_forms.py [--repeat 9]

In one long-lived process (a web or worker process after its first request)
each document is rendered once to warm up, then --repeat times; the median is
printed. ``ours`` is the project's service (one FontConfiguration and parsed
stylesheets per process, the long-lived heap frozen, gc.collect() after each
render); ``plain`` renders the same HTML as a view would without it: new
FontConfiguration and CSS objects each time, then gc.collect() (without it
memory grows by ~55 MB per render: shared/notes/weasyprint.md §2.4).
Goal: a one-page form ≤ 0.3 s warm. A throwaway SQLite database is migrated
for the catalogues the forms print (or DATABASE_URL, one you can spare).
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def median_seconds(render, repeat):
    render()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="pdf-forms-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings")
    os.environ.setdefault("SECRET_KEY", "pdf-forms-benchmark")
    import django

    django.setup()
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from pdf import documents, rendering

    call_command("migrate", verbosity=0, interactive=False)

    def plain(template, context, sheets):
        html = render_to_string(template, {**context, "pdf_title": "x"})

        def render():
            fonts = FontConfiguration()
            css = [
                CSS(
                    filename=str(rendering.STYLESHEETS / f"{name}.css"),
                    font_config=fonts,
                )
                for name in ("print", *sheets)
            ]
            HTML(string=html, base_url=str(BASE_DIR)).write_pdf(
                stylesheets=css, font_config=fonts
            )
            gc.collect()

        return render

    blank_report = {"projects": ["", "", ""], "leader": {}, "contact": {}}
    cases = [
        (
            "附件4 季报表 (1 page)",
            documents.quarterly_report,
            plain("pdf/quarterly_report.html", blank_report, ("forms",)),
        ),
        ("附件2 申请表 (2 pages)", documents.application_form, None),
        ("附件3 登记表 (2 pages)", documents.registration_form, None),
    ]
    # The plain calls first: ours freezes the long-lived heap for the whole process.
    plain_times = {
        label: median_seconds(baseline, args.repeat)
        for label, _ours, baseline in cases
        if baseline is not None
    }
    print(f"{'document':<24} {'ours s':>8} {'plain s':>8} {'ours/plain':>10}")
    for label, ours, _baseline in cases:
        ours_s = median_seconds(ours, args.repeat)
        if label not in plain_times:
            print(f"{label:<24} {ours_s:8.3f} {'–':>8} {'–':>10}")
            continue
        plain_s = plain_times[label]
        print(f"{label:<24} {ours_s:8.3f} {plain_s:8.3f} {ours_s / plain_s:10.2f}")


if __name__ == "__main__":
    main()
