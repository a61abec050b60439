"""A spaCy pipeline component that adds shequ's figures to any Doc.

    import spacy
    nlp = spacy.blank("zh")
    nlp.add_pipe("shequ_figures")  # found through the package's spacy_factories entry point
    doc = nlp("全区52个社区，投入经费1200多万元。")
    [(s.text, s.label_, s._.shequ_figure["value"]) for s in doc.spans["figures"]]
    # [('52个社区', 'community_count', 52.0), ('1200多万元', 'funding', 12000000.0)]

The component writes `doc.spans["figures"]` (label = kind) and `Span._.shequ_figure` (the
figures.csv columns), and declares both (`assigns`). It works on the Doc's text, so it runs after
any tokenizer (char, jieba or pkuseg); spans are aligned outward to token boundaries. A pipeline
saved with it (`nlp.to_disk`) loads in a fresh process with `spacy.load`, the factory found through
the entry point `spacy_factories` of pyproject.toml."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .figures import find_figures
from .records import row_of

SPAN_KEY = "figures"
EXTENSION = "shequ_figure"

if not Span.has_extension(EXTENSION):
    Span.set_extension(EXTENSION, default=None)


class FigureComponent:
    """Finds figures in doc.text and stores them as labelled spans."""

    def __init__(self, span_key: str = SPAN_KEY):
        self.span_key = span_key

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for figure in find_figures(doc.text):
            span = doc.char_span(figure.start, figure.end, label=figure.kind, alignment_mode="expand")
            if span is None:
                continue
            span._.set(EXTENSION, row_of(figure))
            spans.append(span)
        doc.spans[self.span_key] = spans
        return doc


@Language.factory("shequ_figures", default_config={"span_key": SPAN_KEY},
                  assigns=["doc.spans", f"span._.{EXTENSION}"])
def make_figure_component(nlp: Language, name: str, span_key: str) -> FigureComponent:
    """spaCy factory: `nlp.add_pipe("shequ_figures")`."""
    return FigureComponent(span_key)
