"""Clean Missing Data: removes every row that has a missing value in a column chosen for cleaning.

Designer counterpart: "Clean Missing Data", all columns, minimum missing value ratio 0.0, maximum 1.0,
cleaning mode "Remove entire row". A column is chosen for cleaning when its fraction of missing values
lies within [minimum, maximum]; the designer's other cleaning modes are not implemented.
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


def remove_rows_with_missing(frame, minimum_ratio, maximum_ratio):
    """Drops the rows with a missing value in any column whose missing ratio is in [minimum, maximum]."""
    for name, value in (("minimum_missing_value_ratio", minimum_ratio), ("maximum_missing_value_ratio", maximum_ratio)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"--{name}: must be between 0.0 and 1.0, got {value}")
    if minimum_ratio > maximum_ratio:
        raise ValueError(
            f"--minimum_missing_value_ratio ({minimum_ratio}) is greater than "
            f"--maximum_missing_value_ratio ({maximum_ratio})"
        )
    ratios = frame.isna().mean()
    cleaned_columns = ratios[(ratios >= minimum_ratio) & (ratios <= maximum_ratio)].index
    return frame[~frame[cleaned_columns].isna().any(axis=1)]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", required=True, help="CSV file, or folder with one CSV")
    parser.add_argument("--minimum_missing_value_ratio", type=float, required=True)
    parser.add_argument("--maximum_missing_value_ratio", type=float, required=True)
    parser.add_argument("--cleaned_dataset", required=True, help="output folder; data.csv is written there")
    args = parser.parse_args(argv)

    frame = read_dataset(args.dataset, "dataset")
    cleaned = remove_rows_with_missing(frame, args.minimum_missing_value_ratio, args.maximum_missing_value_ratio)
    Path(args.cleaned_dataset).mkdir(parents=True, exist_ok=True)
    cleaned.to_csv(Path(args.cleaned_dataset) / "data.csv", index=False)
    print(f"clean_missing_data: {len(frame)} -> {len(cleaned)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
