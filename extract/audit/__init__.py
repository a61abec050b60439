"""Audit: numbers that don't add up, fall below a standard, contradict another report, or were
copied from a template. `document.py` holds the checks of one document (run by the pipeline);
`corpus.py` the checks across the documents of a run, fed one digest per document (`copies.py`:
identical copies and template clusters; `history.py`: measures by year, conflicts, changes);
`minhash.py` the near-duplicate index. Every check returns Flag records and never raises."""
