"""Bulk runs: many files into one output folder. `inputs.py` lists the files; `outcome.py` is what
a worker does with one file; `engines.py` runs it on local worker processes or a Dask cluster;
`store.py` is the folder's SQLite database; `exports.py` writes the CSV/XLSX/JSONL tables;
`pages.py` fans the report pages out; `run.py` is the run itself. Only the CLI imports this."""
from __future__ import annotations

from .inputs import iter_inputs
from .run import RunOptions, RunSummary, run

__all__ = ["iter_inputs", "run", "RunOptions", "RunSummary"]
