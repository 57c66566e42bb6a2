"""The `assetwatch` command line: parse, call `checks.service`, print. No Textual here.

- `parser`: the options and their help (in the user's language);
- `commands`: one short function per command, and the dispatch table;
- `output`: tables by display width and the contract cron jobs rely on (exit codes, JSON).

The dashboard (`tui.dashboard`) is imported only when it opens.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

from checks.errors import UserError
from tui.cli.commands import dispatch
from tui.cli.output import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK
from tui.cli.parser import build_parser
from tui.i18n import LANGS, detect_lang, tr

__all__ = ["build_parser", "main"]


def _lang_from_argv(argv: Sequence[str]) -> str:
    """The `--lang` given, read before parsing so that `--help` speaks it too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGS:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg[7:] in LANGS:
            return arg[7:]
    return detect_lang()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, run the command, map errors to exit codes (see `tui.cli.output`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_lang_from_argv(argv)).parse_args(argv)
    # The dashboard gets the --lang given, or None (then its own choice applies).
    args.explicit_lang = args.lang
    args.lang = args.lang or detect_lang()
    try:
        return dispatch(args)
    except UserError as exc:
        print(f"assetwatch: {exc.text(args.lang)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:
        # A bug must not look like "findings" (exit 1) to a cron job.
        traceback.print_exc()
        print(tr(args.lang, "cli.internal_error"), file=sys.stderr)
        return EXIT_ERROR
