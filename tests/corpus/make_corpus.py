"""Writes the bulletin corpus from its cases: tests/corpus/cases.yaml into tests/corpus/ and more/cases.yaml into
tests/corpus/more/, each bulletin variant (NAME.txt or .html; bytes in another encoding where the case says
`write`) beside NAME.expected.json, its facts typed from the text by hand.

Run it after editing a case: `.venv/bin/python tests/corpus/make_corpus.py`. In tests/corpus/ it rewrites the
files of its own cases and deletes nothing (others may add variants there); in more/ it first deletes the
numbered files, so a case removed there leaves nothing behind."""

import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def compact_json(expected: dict) -> str:
    """tests/corpus/*.expected.json: one line a row, the rest as JSON writes it."""
    lines = ["{"]
    items = list(expected.items())
    for i, (k, v) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(v, list) and v:
            rows = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in v)
            lines.append(f' "{k}": [\n{rows}\n ]{comma}')
        else:
            lines.append(f' "{k}": {json.dumps(v, ensure_ascii=False)}{comma}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def indented_json(expected: dict) -> str:
    """tests/corpus/more/*.expected.json"""
    return json.dumps(expected, ensure_ascii=False, indent=1) + "\n"


def text_of(case: dict) -> str:
    if "mojibake_of" in case:  # UTF-8 bytes decoded as GBK: what a wrong guess upstream leaves behind
        return case["mojibake_of"].encode("utf-8").decode("gbk", errors="replace")
    return case["text"]


def write_folder(folder: Path, expected_json, *, delete_old: bool) -> None:
    cases = yaml.safe_load((folder / "cases.yaml").read_text(encoding="utf-8"))
    if delete_old:
        for old in folder.glob("[0-9][0-9]_*"):
            old.unlink()
    for case in cases:
        name, text = case["name"], text_of(case)
        path = folder / f"{name}{case.get('suffix', '.txt')}"
        if case.get("write"):
            path.write_bytes(text.encode(case["write"]))
        else:
            path.write_text(text, encoding="utf-8")
        expected = {
            "description": case["description"],
            "published": case.get("published"),
            "encoding": case.get("encoding"),
            "error": case.get("error"),
            "facts": case["facts"],
            "warnings": case.get("warnings", []),
            "cleaning": case.get("cleaning", []),
            "conflicts": case.get("conflicts", []),
        }
        (folder / f"{name}.expected.json").write_text(expected_json(expected), encoding="utf-8")
    print(len(cases), "cases in", folder)


if __name__ == "__main__":
    write_folder(HERE, compact_json, delete_old=False)
    write_folder(HERE / "more", indented_json, delete_old=True)
