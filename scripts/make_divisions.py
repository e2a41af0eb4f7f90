"""Write src/jzanalysis/regions/divisions.csv: China's prefecture-level regions and their county-level units.

Source: jionlp's administrative-division dictionary (Apache-2.0), ``jionlp.china_location_loader()``, plus
its list of renames (``china_location_change.txt``: 监利县 → 监利市 on 2020-06-12 …). Run it with jionlp
installed (``pip install jionlp==1.5.31``); jzanalysis itself only reads the CSV it writes.

Province-administered county-level cities (仙桃市, 济源市, …) are listed as regions of their own, without units.
"""

from __future__ import annotations

import contextlib
import csv
import io
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "jzanalysis" / "regions" / "divisions.csv"


def main() -> None:
    with contextlib.redirect_stdout(io.StringIO()):  # jionlp prints a banner on import
        import jionlp
        from jionlp.dictionary import dictionary_loader
    tree = jionlp.china_location_loader()
    renames: dict[tuple[str, str], list[tuple[str, str]]] = {}
    change_file = Path(dictionary_loader.__file__).with_name("china_location_change.txt")
    for line in change_file.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 10 or not parts[6]:
            continue
        date, new_city, new_unit = parts[0], parts[8], parts[9]
        old_unit = parts[6]
        if old_unit != new_unit and new_unit:
            renames.setdefault((new_city, new_unit), []).append((old_unit, date[:4]))
    rows = []
    for province, cities in tree.items():
        if province.startswith("_") or province in ("香港特别行政区", "澳门特别行政区", "台湾省"):
            continue
        for city, body in cities.items():
            if city.startswith("_"):
                continue
            units = {k: v for k, v in body.items() if not k.startswith("_")}
            if city == "省直辖行政区划":  # each is a region of its own
                for name, unit in units.items():
                    rows.append(["region", province, name, unit["_alias"], unit["_admin_code"], "", ""])
                continue
            alias = body["_alias"][0] if isinstance(body["_alias"], list) else body["_alias"]
            rows.append(["region", province, city, alias, body["_admin_code"], "", ""])
            for name, unit in sorted(units.items(), key=lambda kv: kv[1]["_admin_code"]):
                if name == "市直辖行政区划":
                    continue
                former = ";".join(f"{old}<{year}" for old, year in renames.get((city, name), []))
                rows.append(["unit", province, city, unit["_alias"], unit["_admin_code"], name, former])
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "# China's prefecture-level regions and county-level units, from jionlp 1.5.31 (Apache-2.0);"
            " written by scripts/make_divisions.py\n"
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["level", "province", "region", "short", "code", "unit", "former"])
        writer.writerows(rows)
    print(f"{len(rows)} rows → {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
