"""OCR of page images: scanned PDF pages (from pdf.py) and image files (PNG, JPEG, TIFF,
multi-page TIFF). An optional extra: `pip install 'shequ[ocr]'` brings RapidOCR (PP-OCRv6
detection and recognition models shipped in its wheel, reading Simplified and Traditional pages,
ONNX Runtime on the CPU, nothing downloaded at run time); Debian's `tesseract-ocr` +
`tesseract-ocr-chi-sim` (and `-chi-tra` for Traditional pages) is a second engine, used when
`corpora/ocr.toml` names it. Without an engine, such files get `no_text_layer` with an
error naming the extra.

Each OCR'd page keeps its recognised lines with their confidences (`OcrPage`), so each figure
found on it can carry the confidence of the characters it was read from (`ocr_marks.py`).
Bounds (`corpora/ocr.toml`): pages per file, seconds per file, pixels per page.
"""
from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import LimitExceeded, NoTextLayer, UnreadableDocument
from ..records import OcrLine, OcrPage, RawDocument
from ..resources import load_toml
from . import layout

EXTRA_HINT = "install the OCR extra: pip install 'shequ[ocr]'"


@functools.cache
def settings() -> dict:
    return load_toml("ocr.toml")


# --- engines -----------------------------------------------------------------------------------

class RapidOcr:
    """RapidOCR on ONNX Runtime, one instance per process. Its detection and recognition models
    (`[engine] rapidocr_det_model`, `rapidocr_rec_model`) are files of the rapidocr wheel, loaded
    from there by path, so nothing is ever downloaded; PP-OCRv6's recogniser reads Simplified and
    Traditional characters and tone-marked pinyin alike."""

    name = "rapidocr"

    def __init__(self):
        from importlib.metadata import version

        import rapidocr

        cfg = settings()["engine"]
        models = Path(rapidocr.__file__).parent / "models"
        det, rec = models / cfg["rapidocr_det_model"], models / cfg["rapidocr_rec_model"]
        for model in (det, rec):
            if not model.is_file():
                raise ImportError(f"rapidocr has no {model.name} (corpora/ocr.toml names a model it does not ship)")
        n = int(cfg["threads"])
        self._engine = rapidocr.RapidOCR(params={
            "Global.use_cls": bool(cfg["rapidocr_use_cls"]), "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": n, "EngineConfig.onnxruntime.inter_op_num_threads": n,
            "Det.model_path": str(det), "Rec.model_path": str(rec)})
        self.version = f"{version('rapidocr')} ({rec.stem})"

    def recognise(self, gray) -> list[layout.Piece]:
        import numpy as np

        out = self._engine(np.asarray(gray))
        pieces = []
        for box, text, conf in zip(out.boxes if out.boxes is not None else (), out.txts or (), out.scores or ()):
            xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
            pieces.append(layout.Piece(text, min(xs), min(ys), max(xs), max(ys), float(conf)))
        return pieces


class Tesseract:
    """Tesseract through its command line (TSV output: word boxes and confidences). A page read
    with `tesseract_lang` that looks Traditional (more than `traditional_share` of its CJK
    characters are Traditional forms, or its mean confidence is below `traditional_below`: chi_sim
    reads a Traditional page mostly in Simplified characters, wrongly and unsure) is read again
    with `tesseract_lang_traditional` when that data is installed, and the reading with the higher
    mean confidence is kept. A Simplified page read with confidence is read once."""

    name = "tesseract"

    def __init__(self):
        exe = shutil.which("tesseract")
        if not exe:
            raise ImportError("tesseract is not installed")
        cfg = settings()["engine"]
        lang = cfg["tesseract_lang"]
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
        if lang not in langs:
            raise ImportError(f"tesseract has no {lang} data (apt-get install tesseract-ocr-chi-sim)")
        self.exe, self.lang = exe, lang
        self.lang_traditional = cfg["tesseract_lang_traditional"] if cfg["tesseract_lang_traditional"] in langs else ""
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        self.version = (out.stdout or out.stderr).split()[1]

    def recognise(self, gray) -> list[layout.Piece]:
        from ..normalise import traditional_share

        buf = io.BytesIO()
        gray.save(buf, "PNG")
        pieces = self._read(buf.getvalue(), self.lang)
        cfg = settings()["engine"]
        if self.lang_traditional and (_mean_confidence(pieces) < float(cfg["traditional_below"])
                                      or traditional_share("".join(p.text for p in pieces)) > float(cfg["traditional_share"])):
            again = self._read(buf.getvalue(), self.lang_traditional)
            if _mean_confidence(again) > _mean_confidence(pieces):
                return again
        return pieces

    def _read(self, png: bytes, lang: str) -> list[layout.Piece]:
        psm = str(settings()["engine"]["tesseract_psm"])
        env = {**os.environ, "OMP_THREAD_LIMIT": str(settings()["engine"]["threads"])}
        proc = subprocess.run([self.exe, "stdin", "stdout", "-l", lang, "--psm", psm, "tsv"],
                              input=png, capture_output=True, timeout=300, env=env)
        if proc.returncode != 0:
            raise UnreadableDocument(f"tesseract failed ({proc.stderr.decode(errors='replace').strip()[:80]})")
        lines: dict[tuple, list] = {}
        for row in proc.stdout.decode("utf-8", errors="replace").splitlines()[1:]:
            cols = row.split("\t")
            if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
                continue
            key = tuple(int(c) for c in cols[1:5])  # page, block, paragraph, line
            x, y, w, h, conf = int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]), float(cols[10])
            lines.setdefault(key, []).append((cols[11], x, y, x + w, y + h, max(conf, 0) / 100))
        pieces = []
        for words in lines.values():
            text = ""
            for k, (word, *_rest) in enumerate(words):
                if k and not (layout._CJK.match(text[-1:]) or layout._CJK.match(word[:1])):
                    text += " "
                text += word
            pieces.append(layout.Piece(text, min(w[1] for w in words), min(w[2] for w in words),
                                       max(w[3] for w in words), max(w[4] for w in words),
                                       min(w[5] for w in words)))
        return pieces


def _mean_confidence(pieces: list[layout.Piece]) -> float:
    """Mean confidence of recognised lines, weighted by their characters."""
    chars = sum(len(p.text) for p in pieces)
    return sum(p.confidence * len(p.text) for p in pieces) / chars if chars else 0.0


ENGINES = {"rapidocr": RapidOcr, "tesseract": Tesseract}


@functools.cache
def engine(name: str | None = None):
    """The first installed engine of `[engine] order` (or the one named); None when none is."""
    for candidate in ([name] if name else settings()["engine"]["order"]):
        try:
            return ENGINES[candidate]()
        except ImportError:
            continue
    return None


def require_engine(what: str):
    """The engine, or NoTextLayer naming the extra to install."""
    eng = engine()
    if eng is None:
        raise NoTextLayer(f"{what}: OCR is not installed; {EXTRA_HINT}")
    return eng


# --- text ----------------------------------------------------------------------------------------

_CJK_CHAR = "\u3400-\u9fff“”‘’"
_ASCII_PUNCT = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_PUNCT_BESIDE_CJK = re.compile(rf"(?<=[{_CJK_CHAR}])\s*([,:;!?()])|([,:;!?()])\s*(?=[{_CJK_CHAR}])")


def chinese_punctuation(text: str) -> str:
    """ASCII punctuation a recogniser emits beside Chinese characters -> the Chinese mark a report
    prints there (`专家:` -> `专家：`, `社区,` -> `社区，`); between digits it stays (`8:30`, `1,200`).
    The radical 丶, which recognisers read for the enumeration comma, becomes 、."""
    return _PUNCT_BESIDE_CJK.sub(lambda m: _ASCII_PUNCT[m.group(1) or m.group(2)], text).replace("丶", "、")


_ONE = re.compile(rf"(?<=\d)[lI|](?![A-Za-z])|(?<![A-Za-z])[lI](?=\d)|(?<=[{_CJK_CHAR}])[lI](?=[{_CJK_CHAR}])")
_ZERO = re.compile(r"(?<=\d)[Oo](?![A-Za-z])|(?<![A-Za-z])[Oo](?=\d)")


def fix_digits(text: str) -> str:
    """Letters a recogniser reads for digits beside digits or alone among Chinese characters:
    `202l年` -> `2021年`, `网格员l名` -> `网格员1名`, `1O0个` -> `100个`; Latin words stay."""
    return _ZERO.sub("0", _ONE.sub("1", text))


def prepare(image):
    """A page image as the recogniser reads it: grey, from the red channel when red seal ink is
    to be dropped (red ink is as light as the paper there; black and blue ink stay dark), its
    levels stretched so that grey at `paper_level` or lighter becomes white (what is left of a
    seal's ink, paper grain; RapidOCR's detector, seeing a seal's faint ring text beside a line,
    lost both)."""
    image = image.convert("RGB")
    gray = image.getchannel("R") if settings()["engine"]["drop_red_ink"] else image.convert("L")
    level = int(settings()["engine"]["paper_level"])
    return gray.point([min(255, v * 255 // level) for v in range(256)]) if level < 255 else gray


def recognise_page(image, eng=None) -> tuple[layout.PageText, tuple[OcrLine, ...]]:
    """(page text, recognised lines) of one page image; the text's paragraphs are rebuilt by layout."""
    eng = eng or require_engine("image")
    pieces = [layout.Piece(fix_digits(chinese_punctuation(p.text)), p.x0, p.y0, p.x1, p.y1, p.confidence)
              for p in eng.recognise(prepare(image))]
    page = layout.page_text(pieces)
    lines = tuple(OcrLine(p.text, round(p.confidence, 4)) for p in pieces)
    return page, lines


@dataclass
class OcrRun:
    """The OCR of a file's pages under the file's page and time limits."""

    eng: object
    started: float = 0.0
    done: int = 0
    note: str = ""

    def __post_init__(self):
        self.started = time.monotonic()
        limits = settings()["limits"]
        self.max_pages, self.max_seconds = int(limits["max_pages"]), float(limits["max_seconds"])

    def allowed(self, total: int) -> bool:
        """True while another page may be OCR'd (the first always is); else records why not."""
        if self.done == 0:
            return True
        if self.done >= self.max_pages:
            self.note = f"OCR stopped at the page limit: {self.done} of {total} pages read (corpora/ocr.toml)"
            return False
        if time.monotonic() - self.started > self.max_seconds:
            self.note = (f"OCR stopped at the time limit ({self.max_seconds:.0f} s per file): "
                         f"{self.done} of {total} pages read (corpora/ocr.toml)")
            return False
        return True

    def page(self, image):
        self.done += 1
        return recognise_page(image, self.eng)

    @property
    def engine_label(self) -> str:
        return f"{self.eng.name} {self.eng.version}"


def check_pixels(width: int, height: int) -> None:
    limit = int(settings()["limits"]["max_pixels"])
    if width * height > limit:
        raise LimitExceeded(f"page image of {width}x{height} pixels is over the {limit // 10**6} Mpx limit")


# --- image files -------------------------------------------------------------------------------

def read_image(path: Path, data: bytes, fmt: str) -> RawDocument:
    """PNG, JPEG or (multi-page) TIFF: each frame one page, OCR'd."""
    eng = require_engine(f"{fmt.upper()} image")
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = None  # our own limit, checked before decoding each frame
    try:
        img = Image.open(io.BytesIO(data))
        frames = getattr(img, "n_frames", 1)
    except Exception as e:
        raise UnreadableDocument(f"damaged {fmt} image ({type(e).__name__})") from None
    run = OcrRun(eng)
    pages: list[layout.PageText] = []
    ocr: list[OcrPage] = []
    try:
        for n, frame in enumerate(ImageSequence.Iterator(img), 1):
            if not run.allowed(frames):
                break
            check_pixels(*frame.size)
            page, lines = run.page(frame)
            pages.append(page)
            ocr.append(OcrPage(n, lines))
    except (LimitExceeded, UnreadableDocument):
        raise
    except Exception as e:
        if not pages:
            raise UnreadableDocument(f"damaged {fmt} image ({type(e).__name__}: {str(e)[:60]})") from None
        run.note = f"the image is damaged after page {len(pages)} ({type(e).__name__})"
    texts = layout.join_pages(pages)
    texts += [""] * (frames - len(texts))
    return RawDocument(pages=tuple(texts), format=fmt, encoding="", page_count=frames, ocr=tuple(ocr),
                       ocr_engine=run.engine_label, ocr_note=run.note)
