"""Score Model: predicts the label for each row and appends the prediction as "Scored Labels".

Designer counterpart: "Score Model" with "Append score columns to output" on.
"""
import argparse
import json
import sys
from pathlib import Path

import joblib
import pandas as pd

SCORED_LABELS = "Scored Labels"


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


def load_model(folder):
    """Returns (model, features description) written by train_linear_regression."""
    folder = Path(folder)
    for name in ("model.joblib", "features.json"):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"--trained_model: {folder / name} not found (is this a trained_model output?)")
    return joblib.load(folder / "model.joblib"), json.loads((folder / "features.json").read_text())


def score(model, description, frame, append_score_columns_to_output):
    """Returns `frame` (or only the scores) with the predictions in a "Scored Labels" column."""
    absent = [name for name in description["features"] if name not in frame.columns]
    if absent:
        raise ValueError(f"--dataset: feature column(s) {absent} the model was trained on are not in the dataset")
    features = frame[description["features"]]
    missing = [name for name in features.columns if features[name].isna().any()]
    if missing:
        raise ValueError(f"--dataset: missing values in feature column(s) {missing}; clean them first")
    for name in description["numeric_features"]:
        if not pd.api.types.is_numeric_dtype(features[name]):
            raise ValueError(f"--dataset: feature column {name!r} was numeric in training, here {features[name].dtype}")
    features = features.astype({name: str for name in description["categorical_features"]})
    scored = frame.copy() if append_score_columns_to_output else pd.DataFrame(index=frame.index)
    scored[SCORED_LABELS] = model.predict(features)
    return scored


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trained_model", required=True, help="folder written by train_linear_regression")
    parser.add_argument("--dataset", required=True, help="CSV file, or folder with one CSV, to score")
    parser.add_argument("--append_score_columns_to_output", type=parse_bool, required=True)
    parser.add_argument("--scored_dataset", required=True, help="output folder; data.csv is written there")
    args = parser.parse_args(argv)

    model, description = load_model(args.trained_model)
    frame = read_dataset(args.dataset, "dataset")
    scored = score(model, description, frame, args.append_score_columns_to_output)
    Path(args.scored_dataset).mkdir(parents=True, exist_ok=True)
    scored.to_csv(Path(args.scored_dataset) / "data.csv", index=False)
    print(f"score_model: {len(scored)} rows scored")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
