"""Hostile files for the robustness tests and benchmarks (tests/test_hostile.py, bench/hostile_zip.py)."""
from __future__ import annotations

import struct
from pathlib import Path


def declare_sizes(path: Path, name: str, size: int) -> None:
    """Rewrite the sizes a zip's headers (local header and central directory) declare for the
    member `name`, so the file lies about how much it inflates to."""
    data = bytearray(Path(path).read_bytes())
    raw = name.encode()
    for sig, name_len_at, name_at, sizes_at in ((b"PK\x03\x04", 26, 30, 18), (b"PK\x01\x02", 28, 46, 20)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack("<H", data[i + name_len_at:i + name_len_at + 2])[0]
            if data[i + name_at:i + name_at + n] == raw:
                struct.pack_into("<II", data, i + sizes_at, size, size)
            i = data.find(sig, i + 4)
    Path(path).write_bytes(bytes(data))
