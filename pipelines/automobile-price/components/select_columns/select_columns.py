"""Select Columns in Dataset: every column of the dataset except the excluded ones.

Designer counterpart: "Select Columns in Dataset" with the rule "All columns, exclude normalized-losses".
"""
import argparse
import sys
from pathlib import Path

import pandas as pd


def read_dataset(path, argument):
    """Reads a CSV given as a file or as a folder holding exactly one .csv (`?` means missing)."""
    source = Path(path)
    if source.is_dir():
        csvs = sorted(source.glob("*.csv"))
        if len(csvs) != 1:
            raise ValueError(f"--{argument}: expected exactly one .csv file in folder {source}, found {len(csvs)}")
        source = csvs[0]
    elif not source.is_file():
        raise FileNotFoundError(f"--{argument}: no such file or folder: {source}")
    try:
        frame = pd.read_csv(source, na_values=["?"])
    except pd.errors.EmptyDataError:
        raise ValueError(f"--{argument}: {source} is empty") from None
    if frame.empty:
        raise ValueError(f"--{argument}: {source} has no data rows")
    return frame


def select_columns(frame, exclude_columns):
    """Returns `frame` without the comma-separated columns in `exclude_columns`, order kept."""
    excluded = [name.strip() for name in exclude_columns.split(",") if name.strip()]
    unknown = [name for name in excluded if name not in frame.columns]
    if unknown:
        raise ValueError(f"--exclude_columns: column(s) {unknown} not in the dataset (columns: {list(frame.columns)})")
    kept = [name for name in frame.columns if name not in excluded]
    if not kept:
        raise ValueError(f"--exclude_columns: {exclude_columns!r} excludes every column of the dataset")
    return frame[kept]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", required=True, help="CSV file, or folder with one CSV")
    parser.add_argument("--exclude_columns", required=True, help="comma-separated column names to drop")
    parser.add_argument("--results_dataset", required=True, help="output folder; data.csv is written there")
    args = parser.parse_args(argv)

    frame = read_dataset(args.dataset, "dataset")
    selected = select_columns(frame, args.exclude_columns)
    Path(args.results_dataset).mkdir(parents=True, exist_ok=True)
    selected.to_csv(Path(args.results_dataset) / "data.csv", index=False)
    print(f"select_columns: {frame.shape[1]} -> {selected.shape[1]} columns, {len(selected)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
