#!/usr/bin/env python3
"""Cross-check of the OFD reader against easyofd (a separate OFD parser, not a dependency).

    pip install easyofd && python bench/ofd_easyofd.py [FILE.ofd ...]   # default: the OFD sample

easyofd's text objects, ordered by position on each page, are compared with shequ's page texts
(line breaks removed; shequ carries a paragraph cut by a page break back to its page, so the
document's characters are compared as a whole, and page by page for information).
"""
from __future__ import annotations

import base64
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def easyofd_pages(path: Path) -> list[str]:
    from easyofd import OFD

    ofd = OFD()
    ofd.read(base64.b64encode(path.read_bytes()).decode(), save_xml=False, xml_name=path.stem)
    pages = ofd.data[0]["page_info"]
    out = []
    for k in sorted(pages):
        items = sorted(pages[k]["text_list"], key=lambda t: (round(float(t["pos"][1]), 1), float(t["pos"][0])))
        out.append("".join(t["text"] for t in items))
    return out


def main() -> int:
    from extract.readers import ofd

    files = [Path(a) for a in sys.argv[1:]] or [ROOT / "corpora" / "samples" / "10_wangge_zhili.ofd"]
    for path in files:
        ours = [p.replace("\n", "") for p in ofd.read(path, path.read_bytes()).pages]
        theirs = easyofd_pages(path)
        same = "".join(ours) == "".join(theirs)
        print(f"{path.name}: shequ {sum(map(len, ours))} characters on {len(ours)} pages "
              f"({', '.join(map(str, map(len, ours)))}), easyofd {sum(map(len, theirs))} on {len(theirs)} "
              f"({', '.join(map(str, map(len, theirs)))}); same text in the same order: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
