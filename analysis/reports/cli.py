"""The ``newsdesk`` command (also ``python -m analysis``): run reports, schedules, list them.

Exit codes: 0 every report ok (or up to date), 1 some report failed, 2 usage or validation
error (nothing was run), 3 some report had nothing to analyse (status "empty") and none
failed. Mixed results take the most serious: failed (1) > empty (3) > ok (0). A file-system
failure is one line naming the path (exit 1 during a run, 2 before any kernel starts).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from analysis.errors import NewsdeskError, ReportError
from analysis.reports.status import exit_code

__all__ = ["build_parser", "main"]

_EPILOG = """\
examples:
  newsdesk list
  newsdesk report --all --corpus data/sample
  newsdesk report term_frequency -p top 30 -p window 7d --corpus data/sample
  newsdesk schedule schedules/daily.yml
  python -m analysis report sentiment -p sources "[BBC News]" --force

exit codes: 0 all ok, 1 some report failed, 2 usage or validation error (nothing ran),
  3 some report had nothing to analyse (empty) and none failed
"""


def _skip_unused_format_checkers() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in this process (when installed).

    The runner imports nbformat, which imports jsonschema, whose format module imports
    ``rfc3987_syntax`` when it can, only to check the JSON schema formats "iri" and
    "iri-reference"; building that package's grammar takes 1-2 s, on every ``newsdesk``
    command. Notebook schemas use no such format, and nothing else in this process
    validates JSON, so the import is skipped (``jsonschema`` treats the package as not
    installed). Nothing changes once jsonschema was imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="run date naming the output folder (default: today)",
    )
    p.add_argument("--force", action="store_true", help="run even if today's output is up to date")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="per-cell time limit")
    p.add_argument(
        "--notebooks-dir",
        metavar="DIR",
        help="folder with the report notebooks (default: $NEWSDESK_NOTEBOOKS or the repo's notebooks/)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    p.add_argument(
        "--name",
        metavar="NAME",
        help="run name: outputs go to <output-root>/<NAME>/<date>/ (default: the corpus "
        "folder or file name; for a schedule its name: or file name)",
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help="reports run at once, each in its own kernel (default: CPUs + 1, at most 3)",
    )
    p.add_argument(
        "--no-briefing",
        action="store_true",
        help="do not write briefing.html (what changed since the previous run of this name)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Run Newsdesk's parameterised report notebooks and publish them as HTML "
        "(reports/<run name>/<date>/<report>.html, listed in reports/index.html).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    rep = sub.add_parser(
        "report",
        help="run one or more report notebooks",
        description="Execute report notebooks with papermill and render them to HTML without code.",
        epilog="Parameters: `newsdesk list` shows each report's parameters, types and defaults. "
        "A str parameter takes the -p text as given; other values are read as YAML: 30 is a "
        "number, '[a, b]' a list, null is None.",
    )
    rep.add_argument("names", nargs="*", metavar="NAME", help="report name(s), e.g. term_frequency")
    rep.add_argument("--all", action="store_true", help="run every report notebook")
    rep.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="set a notebook parameter (repeatable)",
    )
    rep.add_argument("--corpus", metavar="PATH", help="the corpus parameter (folder or file)")
    rep.add_argument(
        "--columns",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="table column for a field, e.g. category=section (repeatable or comma-separated)",
    )
    rep.add_argument(
        "-o",
        "--output-root",
        default="reports",
        metavar="DIR",
        help="output folder (default: reports)",
    )
    rep.add_argument("--title", help="page title (one report only)")
    rep.add_argument("--kernel", metavar="NAME", help="kernel to use instead of the notebook's")
    _common(rep)

    sch = sub.add_parser(
        "schedule",
        help="run the reports listed in a YAML schedule file",
        description="Run every report listed in a schedule file; one failing report does not stop "
        "the others. Relative paths in the file are relative to the file's folder.",
    )
    sch.add_argument("file", help="schedule file, e.g. schedules/daily.yml")
    sch.add_argument("-o", "--output-root", metavar="DIR", help="override the file's output_root")
    _common(sch)

    lst = sub.add_parser("list", help="list the reports and their parameters")
    lst.add_argument("--notebooks-dir", metavar="DIR", help="folder with the report notebooks")

    idx = sub.add_parser("index", help="rebuild reports/index.html from the recorded runs")
    idx.add_argument("-o", "--output-root", default="reports", metavar="DIR")
    return parser


def _cmd_list(args: argparse.Namespace) -> int:
    from analysis.reports.runner import available_reports, find_notebooks_dir, report_parameters

    folder = find_notebooks_dir(args.notebooks_dir)
    names = available_reports(notebooks_dir=folder)
    print(f"Reports in {folder}:")
    if not names:
        print("  (none)")
    for name in names:
        print(f"\n{name}")
        try:
            params = report_parameters(name, notebooks_dir=folder)
        except ReportError as exc:
            print(f"  (cannot read parameters: {exc})")
            continue
        for p in params.values():
            kind = p.type or p.describe_type()
            line = f"  {p.name}: {kind} = {p.default_text}"
            print(f"{line:<48}  {p.help}".rstrip())
    print(
        "\nIn every report, query keeps only the articles containing it (a filter); kwic "
        "(term_frequency) shows a word in context without filtering."
    )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from analysis.reports._param_checks import coerce_cli_value
    from analysis.reports.runner import (
        find_notebooks_dir,
        format_summary,
        report_parameters,
        run_reports,
    )

    if args.all and args.names:
        raise ReportError("give report names or --all, not both")
    if not args.all and not args.names:
        raise ReportError(
            "no report given: name one or more reports, or use --all (see `newsdesk list`)"
        )
    if args.title and (args.all or len(args.names) != 1):
        raise ReportError("--title applies to a single report")
    folder = find_notebooks_dir(args.notebooks_dir)
    names = "all" if args.all else args.names
    declared: dict = {}
    for name in [] if args.all else args.names:
        declared.update(report_parameters(name, notebooks_dir=folder))
    if args.all:
        from analysis.reports.runner import available_reports

        for name in available_reports(notebooks_dir=folder):
            declared.update(report_parameters(name, notebooks_dir=folder))
    params = {}
    for pname, raw in args.parameter:
        params[pname] = coerce_cli_value(raw, declared.get(pname))
    if args.columns:
        from analysis.analyses.metadata import parse_column_mapping

        params["columns"] = parse_column_mapping(args.columns)
    results = run_reports(
        names,
        parameters=params,
        corpus=args.corpus,
        output_root=args.output_root,
        run_date=args.date,
        titles={args.names[0]: args.title} if args.title else None,
        force=args.force,
        progress=not args.no_progress,
        timeout=args.timeout,
        notebooks_dir=folder,
        kernel_name=args.kernel,
        quiet=args.quiet,
        name=args.name,
        briefing=not args.no_briefing,
        jobs=args.jobs,
    )
    print("\n" + format_summary(results))
    return exit_code(r.status for r in results)


def _cmd_schedule(args: argparse.Namespace) -> int:
    from analysis.reports.runner import format_summary
    from analysis.reports.schedule import run_schedule

    results = run_schedule(
        args.file,
        output_root=args.output_root,
        run_date=args.date,
        force=args.force,
        progress=not args.no_progress,
        timeout=args.timeout,
        notebooks_dir=args.notebooks_dir,
        quiet=args.quiet,
        name=args.name,
        briefing=not args.no_briefing,
        jobs=args.jobs,
    )
    print("\n" + format_summary(results))
    return exit_code(r.status for r in results)


def _cmd_index(args: argparse.Namespace) -> int:
    from analysis.reports.runner import rebuild_index

    print(rebuild_index(args.output_root))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``newsdesk`` and ``python -m analysis``; returns the exit code.

    Example:
        >>> main(["report", "sentiment", "--corpus", "data/sample"])
        0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    _skip_unused_format_checkers()
    commands = {
        "list": _cmd_list,
        "report": _cmd_report,
        "schedule": _cmd_schedule,
        "index": _cmd_index,
    }
    try:
        return commands[args.command](args)
    except NewsdeskError as exc:
        print(f"newsdesk {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file-system failure: one line naming the path, no traceback
        from analysis.reports._fs import describe_os_error

        print(f"newsdesk {args.command}: error: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `newsdesk list | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
