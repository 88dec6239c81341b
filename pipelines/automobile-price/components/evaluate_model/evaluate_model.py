"""Evaluate Model: regression metrics of the "Scored Labels" column against the label column.

Designer counterpart: "Evaluate Model" on a regression model's scored dataset. With y the label,
p the prediction and m the mean of y:
  mean_absolute_error          mean(|y - p|)
  root_mean_squared_error      sqrt(mean((y - p)^2))
  relative_squared_error       sum((y - p)^2) / sum((y - m)^2)
  relative_absolute_error      sum(|y - p|) / sum(|y - m|)
  coefficient_of_determination 1 - relative_squared_error
Written to metrics.json in the output folder, and logged as MLflow metrics when mlflow is importable
(it is in the curated environment, where they show on the job's Metrics tab).
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
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


def regression_metrics(frame, label_column):
    """Returns the five metrics, as floats, keyed as in metrics.json."""
    for name, argument in ((label_column, "label_column"), (SCORED_LABELS, "scored_dataset")):
        if name not in frame.columns:
            raise ValueError(
                f"--{argument}: column {name!r} not in the scored dataset (columns: {list(frame.columns)})"
            )
        if not pd.api.types.is_numeric_dtype(frame[name]):
            raise ValueError(f"--{argument}: column {name!r} must be numeric, found {frame[name].dtype}")
        if frame[name].isna().any():
            raise ValueError(f"--{argument}: column {name!r} has {int(frame[name].isna().sum())} missing values")
    actual = frame[label_column].to_numpy(dtype=float)
    error = actual - frame[SCORED_LABELS].to_numpy(dtype=float)
    deviation = actual - actual.mean()
    if not deviation.any():
        raise ValueError(f"--label_column: column {label_column!r} is constant; relative errors are undefined")
    relative_squared_error = float(np.sum(error**2) / np.sum(deviation**2))
    return {
        "mean_absolute_error": float(np.mean(np.abs(error))),
        "root_mean_squared_error": float(np.sqrt(np.mean(error**2))),
        "relative_squared_error": relative_squared_error,
        "relative_absolute_error": float(np.sum(np.abs(error)) / np.sum(np.abs(deviation))),
        "coefficient_of_determination": 1.0 - relative_squared_error,
    }


def log_to_mlflow(metrics):
    """Logs the metrics to the current MLflow run; returns False, doing nothing, without mlflow."""
    try:
        import mlflow
    except ImportError:
        return False
    mlflow.log_metrics(metrics)
    return True


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scored_dataset", required=True, help="CSV file, or folder with one CSV, from score_model")
    parser.add_argument("--label_column", required=True)
    parser.add_argument("--evaluation_results", required=True, help="output folder; metrics.json is written there")
    args = parser.parse_args(argv)

    metrics = regression_metrics(read_dataset(args.scored_dataset, "scored_dataset"), args.label_column)
    Path(args.evaluation_results).mkdir(parents=True, exist_ok=True)
    (Path(args.evaluation_results) / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    logged = log_to_mlflow(metrics)
    print("evaluate_model: " + ", ".join(f"{name} {value:.4f}" for name, value in metrics.items()))
    print("evaluate_model: metrics logged to MLflow" if logged else "evaluate_model: mlflow not installed, not logged")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
