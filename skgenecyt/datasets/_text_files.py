"""Reading whole text files, plain or gzip-compressed, with clear errors."""

import gzip
import zlib
from pathlib import Path

_GZIP_MAGIC = b"\x1f\x8b"


def read_bytes(path):
    """The bytes of a file, decompressed when it is gzip (told by its content, not its name)."""
    raw = Path(path).read_bytes()
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as error:
        raise ValueError(
            f"{str(path)!r} is a truncated or damaged gzip file ({error}); download it again."
        ) from None


def find_line(data, marker, start=0):
    """Offset of the first line at or after ``start`` that begins with ``marker``, or -1."""
    if start == 0 and data.startswith(marker):
        return 0
    at = data.find(b"\n" + marker, max(start - 1, 0))
    return -1 if at < 0 else at + 1


def line_number(data, offset):
    """The 1-based number of the line holding byte ``offset``."""
    return data.count(b"\n", 0, offset) + 1
