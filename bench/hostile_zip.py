"""Memory and time of reading hostile and large DOCX files, each in a fresh process.

    python bench/hostile_zip.py [--xml-mb 95] [--photos-mb 126]

Prints one line per file: its size, the status and error, the seconds and the peak RSS of the
process that read it. `bomb`: ~95 MB of XML in a file of about 1.6 MB (most of it one photo, which
made the old declared-size ratio look plausible); `lying`: the same XML with its headers declaring
2 KB; `photos`: a legitimate report with --photos-mb of photos (incompressible media).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import REPORT_LINES, hostile_files  # noqa: E402

_DOC = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def _para(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def write(path: Path, xml_mb: float, photo_bytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(_DOC.encode())
            for line in REPORT_LINES:
                f.write(_para(line))
            filler = _para("x") * 10_000
            for _ in range(int(xml_mb * 2**20 / len(filler))):
                f.write(filler)
            f.write(b"</w:body></w:document>")
        left = photo_bytes
        for i in range(1 + photo_bytes // (8 << 20)):
            n = min(left, 8 << 20)
            if n > 0:
                z.writestr(f"word/media/image{i}.jpeg", os.urandom(n), compress_type=zipfile.ZIP_STORED)
            left -= n
    return path


_CHILD = """
import json, resource, sys, time
from extract.pipeline import process_file
t = time.perf_counter()
d = process_file(sys.argv[1], time_limit=None).document
print(json.dumps({"status": d.status, "error": d.error[:90], "s": round(time.perf_counter() - t, 2),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--xml-mb", type=float, default=95)
    ap.add_argument("--photos-mb", type=float, default=126)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = {"bomb": write(tmp / "bomb.docx", args.xml_mb, 1_500_000)}
        files["lying"] = write(tmp / "lying.docx", args.xml_mb, 1_500_000)
        hostile_files.declare_sizes(files["lying"], "word/document.xml", 2000)
        files["photos"] = write(tmp / "photos.docx", 0, int(args.photos_mb * 2**20))
        for name, path in files.items():
            out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                                 cwd=ROOT, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(f"{name} file_mb={path.stat().st_size / 2**20:.1f} status={r['status']} s={r['s']} "
                  f"peak_rss_mb={r['peak_rss_mb']} error={r['error']!r}")


if __name__ == "__main__":
    main()
