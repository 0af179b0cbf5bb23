"""The child process that executes one notebook: ``python -m cxlab.runner._worker``.

Kept out of the package's imports so that running it as ``__main__`` finds no earlier copy of
itself; :func:`cxlab.runner._execute.execute` starts it and reads its last line of output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cxlab.runner._execute import KERNEL_START_TIMEOUT, mark_stopped


def _child(args: argparse.Namespace) -> int:
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    params = json.loads(args.params)
    output = Path(args.output)
    status, reason = "ok", ""
    try:
        papermill.execute_notebook(
            args.input,
            str(output),
            parameters=params,
            kernel_name="python3",
            cwd=args.cwd,
            execution_timeout=args.timeout,
            start_timeout=KERNEL_START_TIMEOUT,
            progress_bar=False,
            log_output=False,
        )
    except papermill.PapermillExecutionError as exc:
        status = "failed"
        reason = f"cell {exc.exec_count} raised {exc.ename}: {exc.evalue}".strip()
    except CellTimeoutError:
        status = "failed"
        reason = f"a cell ran longer than the {args.timeout:g} s per-cell timeout"
        mark_stopped(output, reason)
    except DeadKernelError:
        status = "failed"
        reason = "the kernel died (out of memory, or a crash in compiled code)"
        mark_stopped(output, reason)
    except Exception as exc:  # anything else papermill or the kernel machinery raises
        status = "failed"
        reason = f"{type(exc).__name__}: {exc}"
        mark_stopped(output, reason)
    print(json.dumps({"status": status, "reason": reason}))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the child process."""
    parser = argparse.ArgumentParser(prog="python -m cxlab.runner._worker")
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--params", required=True)
    return _child(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
