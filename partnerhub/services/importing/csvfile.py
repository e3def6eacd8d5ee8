"""CSV price lists: any of ; , tab or | as the delimiter; UTF-8 (with or
without a byte-order mark), UTF-16 with a mark, or a Windows code page.

Without a mark, a file that is not valid UTF-8 is read as windows-1251 when
its non-ASCII bytes come in runs (Cyrillic words), and as windows-1250
(Polish, Czech) when they stand alone among Latin letters.
"""

import codecs
import csv
import io

from flask_babel import lazy_gettext as _l

from partnerhub.services.errors import InvalidFile

DELIMITERS = (";", "\t", ",", "|")
SAMPLE_BYTES = 256 * 1024
CHUNK = 1024 * 1024
FIELD_LIMIT = 1024 * 1024


def detect_encoding(file):
    """The encoding of a seekable binary file, read in chunks."""
    file.seek(0)
    head = file.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        file.seek(0)
        return _single_byte_encoding(file.read(SAMPLE_BYTES))


def _single_byte_encoding(sample):
    high = [i for i, byte in enumerate(sample) if byte >= 0x80]
    if not high:
        return "cp1251"
    positions = set(high)
    in_runs = sum(1 for i in high if i - 1 in positions or i + 1 in positions)
    return "cp1251" if in_runs * 2 >= len(high) else "cp1250"


def detect_delimiter(sample):
    """The delimiter that splits the first lines into the most equal rows."""
    best, best_score = ";", -1
    lines = sample.splitlines()[:30]
    for delimiter in DELIMITERS:
        try:
            lengths = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not lengths:
            continue
        common = max(set(lengths), key=lengths.count)
        if common < 2:
            continue
        score = lengths.count(common) * 100 + common
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _rows(file, encoding, delimiter):
    """(line, cells) for each record; line is where the record starts."""
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise InvalidFile(
                    _l(
                        "line %(n)s cannot be read as CSV: %(error)s",
                        n=start,
                        error=str(error),
                    )
                ) from None
            except UnicodeDecodeError:
                raise InvalidFile(
                    _l(
                        "line %(n)s has characters that are not %(encoding)s",
                        n=start,
                        encoding=encoding,
                    )
                ) from None
            if any("\x00" in cell for cell in cells):
                # Python's csv module refused these before 3.11; PostgreSQL
                # still cannot store them, and no price list holds one.
                raise InvalidFile(
                    _l(
                        "line %(n)s cannot be read as CSV: %(error)s",
                        n=start,
                        error="line contains NUL",
                    )
                )
            yield start, cells
            start = reader.line_num + 1
    finally:
        text.detach()


def read(file, consume):
    """consume((line, cells) rows) of a CSV file (a seekable binary file)."""
    encoding = detect_encoding(file)
    file.seek(0)
    sample = file.read(SAMPLE_BYTES).decode(encoding, errors="ignore")
    delimiter = detect_delimiter(sample)
    csv.field_size_limit(FIELD_LIMIT)
    return consume(_rows(file, encoding, delimiter))
