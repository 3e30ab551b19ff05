"""Reading a roster file: xlsx or csv, recognised by content, rows streamed.

xlsx goes through openpyxl in read-only mode and csv through the csv module,
so memory does not grow with the file. Before openpyxl sees a zip its sizes
are checked (zip bombs); OLE files are recognised as password-protected
workbooks or old .xls files. Text is UTF-8 (with or without BOM), UTF-16
with BOM, or GBK/GB18030. Every refusal is a FileRejected with a Chinese
message saying what to do.
"""

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from openpyxl import load_workbook

from .columns import (
    COLUMNS_BY_KEY,
    ENTERED_BY_LABELS,
    IGNORED_KEYS,
    UPDATED_ON_LABELS,
    column_for_header,
    header_key,
)
from .rules import cell_text, is_blank

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SEARCH_ROWS = 30
# LibreOffice can leave a million empty rows behind the data.
MAX_BLANK_RUN = 1000
MAX_SHEETS_SEARCHED = 10
_CSV_FIELD_LIMIT = 32_767  # Excel's own limit for one cell


class FileRejected(Exception):
    """The file cannot be read as a roster; str(exc) says why, in Chinese."""


def limit(name):
    """Import limits, overridable in settings (ROSTER_IMPORT_MAX_ROWS …)."""
    defaults = {
        "MAX_BYTES": 30 * 1024 * 1024,
        "MAX_ROWS": 100_000,
        "MAX_UNZIPPED_BYTES": 400 * 1024 * 1024,
        "MAX_ZIP_RATIO": 200,
        # Above this many rows the check and the import run in the background.
        "BACKGROUND_ROWS": 2000,
    }
    return getattr(settings, f"ROSTER_IMPORT_{name}", defaults[name])


def format_size(size):
    return (
        f"{size / 1024 / 1024:.1f} MB"
        if size >= 1024 * 1024
        else f"{size / 1024:.0f} KB"
    )


@dataclass
class Table:
    kind: str  # "xlsx" or "csv"
    encoding: str  # "" for xlsx
    header_row: int
    headers: list  # the header cells as text, in file order
    columns: dict  # key -> index into a row
    unknown_headers: list
    entered_by: str = ""
    updated_on: str = ""
    # Rows in the sheet or lines in the file: enough to choose inline or background work.
    estimated_rows: int = 0
    warnings: list = field(default_factory=list)
    _rows: object = None  # iterator of (row number, values) after the header
    _close: object = None

    def data_rows(self):
        """(row number as the spreadsheet shows it, values) of each non-blank row.

        Rows with nothing but a 序号 are the template's empty lines: skipped.
        Raises FileRejected past the row limit.
        """
        max_rows = limit("MAX_ROWS")
        used = [index for key, index in self.columns.items() if key not in IGNORED_KEYS]
        count = blank_run = 0
        for number, values in self._rows:
            if all(is_blank(values[i]) for i in used if i < len(values)):
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    self.warnings.append(
                        f"第{number - blank_run + 1}行起连续{MAX_BLANK_RUN}行为空，"
                        "其后的内容未读取"
                    )
                    return
                continue
            blank_run = 0
            count += 1
            if count > max_rows:
                raise FileRejected(
                    f"文件的数据超过{max_rows:,}行，超出单次导入的上限：请拆分成几个文件分别导入"
                )
            yield number, values

    def close(self):
        if self._close:
            self._close()
            self._close = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_table(file):
    """A Table over an open binary file (seekable); the caller closes it."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise FileRejected("文件是空的，请检查是否选错了文件")
    if size > limit("MAX_BYTES"):
        raise FileRejected(
            f"文件大小为{format_size(size)}，超过上限{format_size(limit('MAX_BYTES'))}："
            "请拆分成几个文件分别导入"
        )
    head = file.read(8192)
    file.seek(0)
    if head.startswith(ZIP_MAGIC):
        return _open_xlsx(file)
    if head.startswith(OLE_MAGIC):
        raise FileRejected(_ole_message(file))
    if b"\x00" in head and not head.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise FileRejected(
            "文件不是 Excel 工作簿（.xlsx）或 CSV 表格：请上传名册的 .xlsx 或 .csv 文件"
        )
    return _open_csv(file, head)


def _ole_message(file):
    data = file.read()
    file.seek(0)
    # Directory entries name their streams in UTF-16LE.
    if (
        "EncryptionInfo".encode("utf-16-le") in data
        or "EncryptedPackage".encode("utf-16-le") in data
    ):
        return (
            "文件设置了打开密码，无法读取：请在 Excel 中打开后依次点“文件 → 信息 → "
            "保护工作簿 → 用密码进行加密”，清空密码并保存，再重新上传"
        )
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "这是旧版 Excel 97-2003 文件（.xls）：请在 Excel 中“另存为” .xlsx 格式后再上传"
    return "文件不是 Excel 工作簿（.xlsx）或 CSV 表格：请上传名册的 .xlsx 或 .csv 文件"


# --- xlsx ---------------------------------------------------------------------------


def _check_zip(file):
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected(
            "文件已损坏，不是完整的 Excel 工作簿：请在 Excel 中重新保存为 .xlsx 后再上传"
        ) from None
    finally:
        file.seek(0)
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise FileRejected(
                "这是 WPS/OpenOffice 表格（.ods/.et）：请另存为 .xlsx 后再上传"
            )
        raise FileRejected(
            "文件是压缩包或其他 Office 文档，不是 Excel 工作簿（.xlsx）：请上传名册表格"
        )
    total = sum(member.file_size for member in members)
    max_total, max_ratio = limit("MAX_UNZIPPED_BYTES"), limit("MAX_ZIP_RATIO")
    suspicious = any(
        member.file_size > 1024 * 1024
        and member.file_size > max_ratio * max(member.compress_size, 1)
        for member in members
    )
    if total > max_total or suspicious:
        raise FileRejected(
            f"文件解压后达{format_size(total)}，大小或压缩比异常，可能已损坏或被恶意构造，已拒绝：请在 Excel 中重新保存后再上传"
        )


def _open_xlsx(file):
    _check_zip(file)
    try:
        workbook = load_workbook(file, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for broken parts
        raise FileRejected(
            "Excel 工作簿无法打开，文件可能已损坏：请在 Excel 中重新保存为 .xlsx 后再上传"
        ) from None
    try:
        for sheet in workbook.worksheets[:MAX_SHEETS_SEARCHED]:
            # Formulas are read as their text: kept as text, never evaluated.
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            table = _find_header(rows, kind="xlsx", encoding="")
            if table is not None:
                table.estimated_rows = sheet.max_row or 0
                table._close = workbook.close
                return table
    except FileRejected:
        workbook.close()
        raise
    except Exception:
        workbook.close()
        raise FileRejected(
            "Excel 工作簿的内容无法读取，文件可能已损坏：请在 Excel 中重新保存为 .xlsx 后再上传"
        ) from None
    workbook.close()
    raise FileRejected(_NO_HEADER)


# --- csv -----------------------------------------------------------------------------

_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "gb18030": "GBK/GB18030"}


def _detect_encoding(file, head):
    """(encoding, line count): strict UTF-8 first, then GB18030 (a superset of GBK)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        lines = 0
        try:
            while chunk := file.read(1024 * 1024):
                decoder.decode(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            file.seek(0)
        return encoding, lines
    raise FileRejected(
        "文件的文字编码无法识别：请在 Excel 中另存为 .xlsx，或另存为“CSV UTF-8（逗号分隔）”后再上传"
    )


def _open_csv(file, head):
    encoding, lines = _detect_encoding(file, head)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    first_line = text.readline()
    text.seek(0)
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(text, delimiter=delimiter)

    def rows():
        try:
            yield from enumerate(reader, start=1)
        except csv.Error:
            raise FileRejected(
                f"第{reader.line_num}行无法按 CSV 读取（单元格过长或含有非法字符），"
                "文件可能不是名册：请在 Excel 中另存为 .xlsx 后再上传"
            ) from None

    table = _find_header(rows(), kind="csv", encoding=_ENCODING_NAMES[encoding])
    if table is None:
        raise FileRejected(_NO_HEADER)
    table.estimated_rows = lines
    # Detach rather than close: closing the wrapper would close the caller's file.
    table._close = text.detach
    return table


# --- Header -------------------------------------------------------------------------

_NO_HEADER = (
    "没有找到表头行：表格前30行中应有一行列名，至少包括“姓名”和“性别”“出生年月”“电话”等列"
    "（可下载导入模板对照）"
)


def _find_header(rows, *, kind, encoding):
    """Scan the first rows for the header; read 录入人/更新日期 above it."""
    entered_by = updated_on = ""
    for number, values in islice(rows, HEADER_SEARCH_ROWS):
        keys = [column_for_header(value) for value in values]
        known = [key for key in keys if key is not None]
        if "name" in known and len(known) >= 3:
            return _header_table(
                number, values, keys, rows, kind, encoding, entered_by, updated_on
            )
        labels = [header_key(value) for value in values]
        entered_by = entered_by or _value_after(labels, values, ENTERED_BY_LABELS)
        updated_on = updated_on or _value_after(labels, values, UPDATED_ON_LABELS)
    return None


def _value_after(labels, values, wanted):
    for index, label in enumerate(labels):
        if label in wanted:
            for value in values[index + 1 :]:
                if not is_blank(value):
                    return cell_text(value)
    return ""


def _header_table(number, values, keys, rows, kind, encoding, entered_by, updated_on):
    columns, unknown = {}, []
    for index, (value, key) in enumerate(zip(values, keys, strict=True)):
        if key is None:
            if not is_blank(value):
                unknown.append(cell_text(value))
            continue
        if key in columns:
            first = cell_text(values[columns[key]])
            raise FileRejected(
                f"第{number}行表头中“{first}”和“{cell_text(value)}”是同一列"
                f"（{COLUMNS_BY_KEY[key].label}），请只保留其中一列"
            )
        columns[key] = index
    return Table(
        kind=kind,
        encoding=encoding,
        header_row=number,
        headers=[cell_text(value) for value in values],
        columns=columns,
        unknown_headers=unknown,
        entered_by=entered_by,
        updated_on=updated_on,
        _rows=rows,
    )
