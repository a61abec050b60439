"""The `shequ` command: a thin layer over the library (extract.process and friends)."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import __version__
from .pipeline import process, read
from .writers import RunWriter

INPUT_SUFFIXES = {".pdf", ".docx", ".doc", ".txt", ".html", ".htm", ".rtf", ".wps", ".text", ".md"}


def iter_inputs(paths: tuple[Path, ...]) -> list[Path]:
    """Files named on the command line plus every file under named folders (recursive, sorted),
    skipping hidden files and our own outputs."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if f.is_file() and not any(part.startswith(".") for part in rel.parts):
                    files.append(f)
        else:
            files.append(p)
    return files


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shequ")
@click.option("--debug", is_flag=True, help="Show tracebacks for failing files.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Mine Chinese community-building (社区建设) reports.

    \b
    Example:
      shequ extract reports/ -o outputs/      # every file under reports/
      shequ figures report.pdf                # one document's figures as a table
    """
    ctx.obj = {"debug": debug}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(message)s")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("outputs"), show_default=True, help="Output folder.")
@click.option("--excel", is_flag=True, help="Write CSVs as UTF-8 with BOM so Excel opens Chinese correctly.")
@click.pass_context
def extract(ctx: click.Context, paths: tuple[Path, ...], out_dir: Path, excel: bool) -> None:
    """Read every file under PATHS and write documents.csv, figures.csv, standards.csv,
    honours.csv and text/<doc_id>.txt into the output folder.

    \b
    Example:
      shequ extract corpora/samples -o outputs/
    Exit status: 0 when every file was read, 1 when any failed (all rows are still written).
    """
    files = iter_inputs(paths)
    debug = ctx.obj["debug"]
    failed = 0
    counts = {"figures": 0, "claims": 0}
    show_bar = len(files) > 3 and sys.stderr.isatty()
    with RunWriter(out_dir, excel=excel) as writer, \
            click.progressbar(files, label="reading", file=sys.stderr if show_bar else open(os.devnull, "w"),
                              show_pos=True) as bar:
        for path in bar:
            result = _safe_process(path, debug)
            writer.write(result)
            doc = result.document
            counts["figures"] += len(result.figures)
            counts["claims"] += len(result.claims)
            if doc.status != "ok":
                failed += 1
                click.echo(f"{path}: {doc.status}: {doc.error}", err=True)
    click.echo(f"{len(files)} files, {len(files) - failed} ok, {failed} not ok; "
               f"{counts['figures']} figures, {counts['claims']} standards claims -> {out_dir}", err=True)
    ctx.exit(1 if failed else 0)


def _safe_process(path: Path, debug: bool):
    """process(), with any unexpected failure turned into an error row (traceback only with --debug)."""
    try:
        return process(path)
    except Exception as e:
        if debug:
            raise
        from .records import Document, Result

        return Result(document=Document(source=str(path), doc_id="", format="", status="error",
                                        error=f"internal error ({type(e).__name__}: {e}); rerun with --debug"))


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


if __name__ == "__main__":  # pragma: no cover
    main()
