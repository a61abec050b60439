"""The `shequ` command: a thin layer over the library (`extract.process_file` and friends).

The library's own errors of a run (`ShequError`: a missing extra, a missing model) are translated
into one `Error: …` line here, in one place (`ShequGroup.invoke`); any other exception is a bug:
its traceback shows under `--debug`, else one line asking for a report."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__
from .bulk import iter_inputs
from .errors import ShequError
from .pipeline import process_file, read
from .records import page_count

__all__ = ["main", "iter_inputs"]


def _set_debug(ctx: click.Context, param, value: bool) -> None:
    if value:
        ctx.find_root().ensure_object(dict)["debug"] = True
        logging.getLogger().setLevel(logging.DEBUG)


_debug_option = click.option("--debug", is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
                             help="Show tracebacks for failing files and internal errors.")


class ShequGroup(click.Group):
    """The command group; translates the library's errors into one line, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ShequError as e:
            error = click.ClickException(str(e))
            error.exit_code = getattr(e, "exit_code", 1)
            raise error from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as e:
            if (ctx.obj or {}).get("debug"):
                raise
            raise click.ClickException(f"internal error ({type(e).__name__}: {' '.join(str(e).split())[:200]}); "
                                       "please report it, with the output of the same command run with --debug") \
                from None

    def command(self, *args, **kwargs):
        """Every subcommand also takes --debug after its name."""
        decorator = super().command(*args, **kwargs)
        return lambda f: decorator(_debug_option(f))


@click.group(cls=ShequGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shequ")
@_debug_option
@click.pass_context
def main(ctx: click.Context) -> None:
    """Mine Chinese community-building (社区建设) reports.

    \b
    Example:
      shequ extract reports/ -o outputs/      # every file under reports/
      shequ figures report.pdf                # one document's figures as a table
    """
    ctx.ensure_object(dict)
    logging.basicConfig(level=logging.DEBUG if ctx.obj.get("debug") else logging.WARNING,
                        format="%(levelname)s %(message)s")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("outputs"), show_default=True, help="Output folder.")
@click.option("-j", "--jobs", default=0, show_default="all cores", type=click.IntRange(min=0),
              help="Worker processes.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Run on this machine, or on a Dask cluster.")
@click.option("--scheduler", default=None, help="Dask scheduler address (tcp://host:8786) for --engine dask.")
@click.option("--time-limit", default=120, show_default=True, type=click.IntRange(min=1),
              help="Seconds one file may take before it gets an error row.")
@click.option("--full", is_flag=True, help="Reprocess every file, not only new or changed ones, and drop the "
              "documents of files not among PATHS (also rebuilds a database of an older shequ).")
@click.option("--prune", is_flag=True, help="Drop the documents of earlier runs whose files are not among PATHS "
              "(by default a run on some files keeps the folder's other documents).")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TOML settings file overriding the packaged thresholds, furniture and figure lexicons "
                   "([thresholds], [furniture], [figures] …).")
@click.option("--excel", is_flag=True, help="Write CSVs as UTF-8 with BOM so Excel opens Chinese correctly.")
@click.option("--xlsx", is_flag=True, help="Also write shequ.xlsx (one sheet per table).")
@click.option("--jsonl", is_flag=True, help="Also write one .jsonl file per table.")
@click.option("--no-report", is_flag=True, help="Skip the HTML report.")
@click.pass_context
def extract(ctx: click.Context, paths: tuple[Path, ...], out_dir: Path, jobs: int, engine: str,
            scheduler: str | None, time_limit: int, full: bool, prune: bool, config: Path | None, excel: bool,
            xlsx: bool, jsonl: bool, no_report: bool) -> None:
    """Read every file under PATHS and write documents.csv, figures.csv, standards.csv,
    honours.csv, flags.csv, text/<doc_id>.txt, report/index.html, shequ.sqlite (with
    metadata.json for Datasette) and run.json into the output folder. A rerun into the same
    folder processes only new or changed files and keeps the folder's other documents.

    \b
    Example:
      shequ extract corpora/samples -o outputs/
      shequ extract /data/2024 -o out/ --jobs 8 --xlsx
      shequ extract /data -o out/ --engine dask --scheduler tcp://scheduler-host:8786
      shequ extract report.pdf -o out/ --config my_province.toml
    Exit status: 0 when every file was read, 1 when any failed (all rows are still written), 2
    for a usage error or an output folder that cannot be used (in use by another run, not
    writable, an older database).
    """
    from .bulk import RunOptions, run
    from .resources import SettingsError, use_settings

    files = iter_inputs(paths, exclude=(out_dir,))
    if not files:
        raise click.UsageError(f"no files to read under {', '.join(str(p) for p in paths)}", ctx)
    if config is not None:
        try:
            use_settings(config)
        except SettingsError as e:
            raise click.BadParameter(str(e), ctx, param_hint="--config") from None
    options = RunOptions(jobs=jobs, engine=engine, scheduler=scheduler, time_limit=time_limit, excel=excel,
                         xlsx=xlsx, jsonl=jsonl, report=not no_report, incremental=not full, prune=prune)
    with Progress(len(files)) as progress:
        summary = run(files, out_dir, options, progress=progress.file_done, phase=progress.phase)
    for source, status, error in summary.failed:
        click.echo(f"{source}: {status}: {error}", err=True)
    for source, warning in summary.warned:
        click.echo(f"{source}: warning: {warning}", err=True)
    for what, sources in (("gone from disk", summary.gone), ("not among the inputs (--prune/--full)", summary.pruned)):
        if sources:
            click.echo(f"dropped {len(sources)} documents {what}: {', '.join(sources[:5])}"
                       f"{' …' if len(sources) > 5 else ''}", err=True)
    kept = f", {summary.kept} earlier documents kept (--prune drops them)" if summary.kept else ""
    click.echo(f"{summary.files} files ({summary.processed} processed, {summary.skipped} unchanged{kept}), "
               f"{len(summary.failed)} not ok; {summary.figures} figures, {summary.claims} standards claims, "
               f"{summary.flags} flags -> {out_dir}", err=True)
    ctx.exit(1 if summary.failed else 0)


class Progress:
    """The run's progress on stderr: a bar in a terminal; elsewhere (a log, a pipe) a line every
    `every_files` files or `every_s` seconds, so a log of a long run shows it going. The stages
    after the reading are named as they start."""

    def __init__(self, total: int, every_files: int = 100, every_s: float = 10.0):
        import time

        self.total, self.every_files, self.every_s = total, every_files, every_s
        self.tty = sys.stderr.isatty()
        self.done, self.ocr_pages, self.clock = 0, 0, time.monotonic
        self.start = self.last = self.clock()
        self.bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self._end_bar()

    def _end_bar(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def reading(self, total: int) -> None:
        """The files to read are known (those unchanged since the last run are not among them)."""
        self.total, self.start = total, self.clock()
        if self.tty and total > 3:
            self.bar = click.progressbar(length=total, label="reading", show_pos=True, file=sys.stderr)
            self.bar.__enter__()
        elif not self.tty and total > 3:
            click.echo(f"reading {total} files", err=True)

    def file_done(self, doc) -> None:
        self.done += 1
        self.ocr_pages += page_count(getattr(doc, "ocr_pages", "") or "")
        ocr = f", {self.ocr_pages} pages read by OCR" if self.ocr_pages else ""
        if self.bar is not None:
            if ocr:
                self.bar.label = f"reading{ocr}"
            self.bar.update(1)
            return
        now = self.clock()
        if not self.tty and self.total > 3 and (self.done % self.every_files == 0 or now - self.last >= self.every_s
                             or self.done == self.total):
            self.last = now
            click.echo(f"reading: {self.done}/{self.total} files ({100 * self.done // max(self.total, 1)}%){ocr}, "
                       f"{now - self.start:.0f} s", err=True)

    def phase(self, name: str, total: int | None = None) -> None:
        if name == "reading":
            self.reading(total or 0)
            return
        self._end_bar()
        click.echo(f"{name} …", err=True)


@main.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any address but loopback needs --password.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--password", envvar="SHEQU_PASSWORD", default=None,
              help="Password every request must give (HTTP basic auth); or set SHEQU_PASSWORD.")
@click.option("--reviewer", default=None, help="Reviewer name the forms start with.")
def serve(out_dir: Path, host: str, port: int, password: str | None, reviewer: str | None) -> None:
    """Review the flags of a run in the browser: confirm, dismiss or annotate each, export the
    confirmed findings (XLSX, CSV). Decisions are kept in DIR/shequ.sqlite across reruns.

    \b
    Example:
      shequ extract corpora/samples -o outputs/
      shequ serve outputs/                    # then open http://127.0.0.1:8000/
    """
    from .serve import ServeError, run as run_server

    try:
        run_server(out_dir, host=host, port=port, password=password, reviewer=reviewer)
    except ServeError as e:
        raise click.ClickException(str(e)) from None


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def text(ctx: click.Context, file: Path) -> None:
    """Print the normalised text of one file (the text all offsets refer to).

    \b
    Example:
      shequ text report.docx > report.txt
    """
    doc = read(file)
    if doc.status != "ok":
        raise click.ClickException(f"{file}: {doc.status}: {doc.error}")
    click.echo(doc.text, nl=False)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--all-columns", is_flag=True, help="Also show subject, entity, year and role.")
def figures(file: Path, all_columns: bool) -> None:
    """Print one document's figures as a table.

    \b
    Example:
      shequ figures corpora/samples/02_gongzuo_zongjie.pdf
    """
    result = process_file(file)
    doc = result.document
    if doc.status != "ok":
        raise click.ClickException(f"{file}: {doc.status}: {doc.error}")
    cols = ["page", "text", "kind", "value", "value_max", "unit", "approx", "counted"]
    if all_columns:
        cols += ["subject", "entity", "year", "role"]
    rows = [[_show(getattr(f, c)) for c in cols] for f in result.figures]
    widths = [max([_width(c)] + [_width(r[i]) for r in rows]) for i, c in enumerate(cols)]
    click.echo("  ".join(_pad(c, w) for c, w in zip(cols, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for r in rows:
        click.echo("  ".join(_pad(v, w) for v, w in zip(r, widths)))
    click.echo(f"{len(rows)} figures in {doc.title or file.name}", err=True)


def _show(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.0f}" if v == int(v) else f"{v:,.3f}".rstrip("0")
    return str(v)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the model (default: the package's models/ folder).")
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of labelled *.jsonl sentences (default: corpora/standards).")
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds (0 to skip).")
def train(out_dir: Path | None, corpus: Path | None, folds: int) -> None:
    """Train the standards tagger from labelled sentences and print cross-validated metrics.

    \b
    Example:
      shequ train                          # rebuild models/standard_tagger.npz
      shequ train --corpus my_sentences/ --out my_model/
    """
    from .standards.train import train as run_training

    meta = run_training(out_dir=out_dir, corpus=corpus, folds=folds)
    cv = meta["cross_validation"]
    click.echo(f"{meta['sentences']} sentences, sha256 {meta['training_sha256'][:16]}")
    if cv:
        click.echo(f"{cv['folds']}-fold CV: topic micro-F1 {cv['topic_micro_f1']:.3f}  macro-F1 "
                   f"{cv['topic_macro_f1']:.3f}  status accuracy {cv['status_accuracy']:.3f}  "
                   f"macro-F1 {cv['status_macro_f1']:.3f}")
        click.echo(f"{'standard':22s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}")
        for dim, m in cv["per_dimension"].items():
            click.echo(f"{dim:22s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:5d}")


@main.command()
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of <stem>.figures.jsonl / <stem>.standards.jsonl gold files.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--per-doc", is_flag=True, help="Also print the scores of each document.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def evaluate(gold_dir: Path, paths: tuple[Path, ...], per_doc: bool, as_json: bool) -> None:
    """Extract PATHS and score figures and standards claims against a gold folder.

    \b
    Example:
      shequ evaluate --gold ../shared/eval/dev/gold ../shared/seeds
    """
    import json

    from .evaluate import score

    results = [process_file(str(p)) for p in iter_inputs(paths)]
    scores = score(results, gold_dir)
    summary = scores.summary()
    if as_json:
        click.echo(json.dumps({**summary, **({"per_doc": scores.per_doc} if per_doc else {})}, ensure_ascii=False))
        return
    if per_doc:
        for stem, d in scores.per_doc.items():
            click.echo(f"{stem:40s} gold {d['gold']:4d} pred {d['pred']:4d} value_f1 {d['value_f1']:.3f} "
                       f"typed_f1 {d['typed_f1']:.3f} standards_f1 {d['standards_f1']:.3f}")
    click.echo(f"documents {summary['documents']}  gold figures {summary['gold_figures']}  "
               f"predicted {summary['predicted_figures']}")
    for name in ("value", "typed", "exact"):
        click.echo(f"{name:6s} P {summary[name + '_precision']:.3f}  R {summary[name + '_recall']:.3f}  "
                   f"F1 {summary[name + '_f1']:.3f}")
    click.echo(f"standards P {summary['standards_precision']:.3f}  R {summary['standards_recall']:.3f}  "
               f"F1 {summary['standards_f1']:.3f}")


if __name__ == "__main__":  # pragma: no cover
    main()
