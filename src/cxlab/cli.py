"""The ``cxlab`` command line.

Sub-commands
------------
``cxlab validate PATH``
    Check a client bundle against the contract; print every problem; exit 1 on errors.
``cxlab demo list`` / ``cxlab demo path NAME`` / ``cxlab demo regenerate [--out DIR]``
    The demo clients: list them, print a demo's folder, or regenerate the committed files.
``cxlab versions``
    Print the versions of cxlab and its libraries.

Exit codes: 0 success (warnings allowed), 1 the data has errors, 2 the command was used wrongly
(for example a path that does not exist).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _cmd_validate(args: argparse.Namespace) -> int:
    from cxlab.contract import validate_bundle

    path = Path(args.path)
    if not path.exists():
        print(
            f"cxlab validate: {path} does not exist; give the folder holding the client's files.",
            file=sys.stderr,
        )
        return 2
    report = validate_bundle(path)
    print(report.format())
    return 0 if report.ok else 1


def _cmd_demo(args: argparse.Namespace) -> int:
    from cxlab import datasets

    if args.action == "list":
        for name in datasets.DEMOS:
            print(f"{name:<20} {datasets.describe(name)}")
        return 0
    if args.action == "path":
        if args.name not in datasets.DEMOS:
            print(
                f"cxlab demo path: unknown demo {args.name!r}; choose one of "
                f"{', '.join(datasets.DEMOS)}",
                file=sys.stderr,
            )
            return 2
        print(datasets.demo_path(args.name))
        return 0
    # regenerate
    out = Path(args.out) if args.out else None
    for path in datasets.regenerate(out):
        print(f"wrote {path}")
    return 0


def _cmd_versions(args: argparse.Namespace) -> int:
    from cxlab.versions import show_versions

    show_versions()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cxlab", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a client bundle against the data contract")
    p.add_argument("path", help="bundle folder (or a single .xlsx workbook)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("demo", help="the embedded demo clients")
    p.add_argument("action", choices=["list", "path", "regenerate"])
    p.add_argument("name", nargs="?", default="clothing_retailer", help="demo name (for 'path')")
    p.add_argument("--out", help="folder to regenerate into (default: the repository's datasets/)")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser("versions", help="print versions of cxlab and its libraries")
    p.set_defaults(func=_cmd_versions)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when the data has errors, 2 on wrong usage.
    """
    args = _parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
