"""``jzanalysis manifest``: the sha256 of every raw bulletin, recorded in FOLDER/manifest.json."""

from __future__ import annotations

import sys

from .. import settings
from . import options


def add_arguments(parser):
    options.add_path(
        parser, "folder", "FOLDER", "folder of raw bulletins (default: data/raw/)", nargs="?", default=settings.RAW_DIR
    )
    parser.add_argument(
        "--accept-changes",
        action="store_true",
        help="record the new sha256 of listed files whose bytes changed (otherwise an error)",
    )


def run(args) -> int:
    """(Re)write FOLDER/manifest.json: the sha256 of every bulletin in FOLDER. Entries of unchanged files are
    kept, new files added, entries of files that are gone dropped; a changed file is an error unless
    --accept-changes (raw bulletins are immutable); a symbolic link is refused."""
    from ..dataset import write_manifest  # pandas: loaded when the command runs, not for --help

    update = write_manifest(args.folder, accept_changes=args.accept_changes)
    if update.replaced_invalid:
        print(f"# the old manifest could not be read ({update.replaced_invalid}); written anew", file=sys.stderr)
    for label, names in (("added", update.added), ("updated", update.updated), ("dropped", update.dropped)):
        for name in names:
            print(f"{label}: {name}")
    print(update.summary())
    return 0
