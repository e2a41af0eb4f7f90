"""``jzanalysis regions``: the region profiles listed, shown, started and checked."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError
from ..regions import get_region, load_profile, profile_names, profile_text


def add_arguments(parser):
    parser.add_argument(
        "action",
        choices=("list", "show", "new", "check"),
        help="list: cities with a profile; show NAME: a region's units; new NAME: print a profile "
        "for a city from the national division list; check FILE|NAME: validate a profile",
    )
    parser.add_argument("name", nargs="?", metavar="NAME|FILE")


def run(args) -> int:
    """Region profiles: list them, show one, start a new one from the national list, check one."""
    if args.action == "list":
        for name in profile_names():
            region = get_region(name)
            print(f"{region.name}\t{region.province}\t{len(region.units)} units\t{region.profile.name}")
        return 0
    if not args.name:
        raise InputError(f"regions {args.action} needs a NAME (or FILE for check)")
    if args.action == "check" and Path(args.name).suffix == ".toml":
        region = load_profile(Path(args.name).resolve())
    else:
        region = get_region(args.name)
    if args.action == "new":
        sys.stdout.write(profile_text(region))
        return 0
    source = region.profile or "national division list (no profile)"
    print(f"{region.name} ({region.province}, {region.en}) — {source}")
    print(f"aliases: {'、'.join(region.aliases) or '—'}")
    for unit in region.units:
        extra = "、".join(unit.aliases + tuple(e.name for e in unit.eras))
        print(f"  {unit.name}\t{unit.kind}\t{unit.en}" + (f"\t({extra})" if extra else ""))
    if args.action == "check":
        print(f"ok: {len(region.units)} units, no name given to two units")
    return 0
