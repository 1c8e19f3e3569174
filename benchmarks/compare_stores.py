"""Check that two prepared stores hold the same tables (a speed change must not change results).

    # prepare the same corpus with the old and the new code, then:
    .venv/bin/python benchmarks/compare_stores.py OLD_STORE NEW_STORE

Each table file (the part files of documents/, sentences/, quotes/, mentions/ and counts/,
and vocabulary.parquet) is compared byte for byte first (``prepare`` writes the same bytes for the same input); a file whose bytes
differ is read and compared as a frame (or a sparse matrix), and the first difference is
printed. The manifest is not compared: it records the code's hash, which a change alters.
Exit status 0 when every table is equal, 1 otherwise.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
from pathlib import Path

FOLDERS = ("documents", "sentences", "quotes", "mentions", "counts")


def table_files(store: Path) -> list[str]:
    """Every table file of a store (format 3), relative to it."""
    return ["vocabulary.parquet"] + [p.relative_to(store).as_posix() for name in FOLDERS
                                     for p in sorted((store / name).glob("part-*"))]


def same_content(old: Path, new: Path) -> tuple[bool, str]:
    """Whether two table files hold the same table, and the first difference if not."""
    import pandas as pd
    from scipy import sparse

    if old.suffix == ".npz":
        a, b = sparse.load_npz(old), sparse.load_npz(new)
        if a.shape != b.shape:
            return False, f"shape {a.shape} != {b.shape}"
        return (a != b).nnz == 0, f"{(a != b).nnz} cells differ"
    try:
        pd.testing.assert_frame_equal(pd.read_parquet(old), pd.read_parquet(new))
    except AssertionError as err:
        return False, str(err).splitlines()[0]
    return True, ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="a store folder")
    parser.add_argument("new", type=Path, help="another store folder")
    args = parser.parse_args(argv)
    equal = True
    for name in sorted(set(table_files(args.old)) | set(table_files(args.new))):
        old, new = args.old / name, args.new / name
        if not old.is_file() or not new.is_file():
            print(f"{name}: missing in {'the first' if not old.is_file() else 'the second'} store")
            equal = False
            continue
        if filecmp.cmp(old, new, shallow=False):
            print(f"{name}: bytes identical")
            continue
        same, why = same_content(old, new)
        print(f"{name}: bytes differ, content {'equal' if same else 'DIFFERENT: ' + why}")
        equal &= same
    print("all tables equal" if equal else "tables differ")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
