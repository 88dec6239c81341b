"""Split Data: splits the rows into two datasets, a fraction of them to the first.

Designer counterpart: "Split Data", splitting mode "Split Rows", fraction of rows in the first output
0.7, randomized split, random seed 0, not stratified. The first output gets round(fraction * rows)
rows (per stratum when stratified; halves round up); both outputs keep the input's row order.
The shuffle is numpy's RandomState(seed), so the rows picked differ from the designer's for one seed.
"""
import argparse
import sys
from pathlib import Path

import numpy as np
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


def parse_bool(text):
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def split_rows(frame, fraction, randomized, seed, stratification_key_column=None):
    """Returns (first, second): `fraction` of the rows (of each stratum) in `first`, the rest in `second`."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"--fraction_of_rows: must be greater than 0 and less than 1, got {fraction}")
    if stratification_key_column is None:
        strata = [np.arange(len(frame))]
    elif stratification_key_column not in frame.columns:
        raise ValueError(
            f"--stratification_key_column: column {stratification_key_column!r} not in the dataset "
            f"(columns: {list(frame.columns)})"
        )
    else:
        strata = list(frame.groupby(stratification_key_column, sort=True, dropna=False).indices.values())
    rng = np.random.RandomState(seed)
    first = []
    for positions in strata:
        ordered = rng.permutation(positions) if randomized else positions
        first.extend(ordered[: int(fraction * len(positions) + 0.5)])
    in_first = np.zeros(len(frame), dtype=bool)
    in_first[first] = True
    return frame[in_first], frame[~in_first]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", required=True, help="CSV file, or folder with one CSV")
    parser.add_argument("--fraction_of_rows", type=float, required=True, help="exclusive range (0, 1)")
    parser.add_argument("--randomized_split", type=parse_bool, required=True)
    parser.add_argument("--random_seed", type=int, required=True)
    parser.add_argument("--stratified_split", type=parse_bool, required=True)
    parser.add_argument("--stratification_key_column", help="required when --stratified_split is true")
    parser.add_argument("--results_dataset1", required=True, help="output folder for the first rows")
    parser.add_argument("--results_dataset2", required=True, help="output folder for the other rows")
    args = parser.parse_args(argv)
    if args.stratified_split and not args.stratification_key_column:
        raise ValueError("--stratified_split is true but --stratification_key_column is not given")
    if not 0 <= args.random_seed <= 2**32 - 1:
        raise ValueError(f"--random_seed: must be between 0 and 4294967295, got {args.random_seed}")

    frame = read_dataset(args.dataset, "dataset")
    key = args.stratification_key_column if args.stratified_split else None
    first, second = split_rows(frame, args.fraction_of_rows, args.randomized_split, args.random_seed, key)
    for rows, folder in ((first, args.results_dataset1), (second, args.results_dataset2)):
        Path(folder).mkdir(parents=True, exist_ok=True)
        rows.to_csv(Path(folder) / "data.csv", index=False)
    print(f"split_data: {len(frame)} rows -> {len(first)} + {len(second)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
