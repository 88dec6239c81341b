"""Linear Regression + Train Model: fits a least-squares linear model with an L2 penalty.

Designer counterpart: "Linear Regression" (ordinary least squares, L2 regularization weight 0.001,
include intercept term) trained by "Train Model" on the label column `price`. Stand-in: scikit-learn's
Ridge(alpha=<L2 weight>, fit_intercept=<intercept>), which minimises the squared error plus
alpha * ||w||^2, behind a ColumnTransformer that one-hot encodes the text (categorical) columns and
passes the numeric ones through. Categories unseen in training are encoded as all zeros when scoring.
"""
import argparse
import json
import sys
from pathlib import Path

import joblib
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

MODEL_FILE = "model.joblib"
FEATURES_FILE = "features.json"


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


def train(frame, label_column, l2_regularization_weight, include_intercept_term):
    """Returns (fitted sklearn Pipeline, description of its features as a JSON-ready dict)."""
    if label_column not in frame.columns:
        raise ValueError(f"--label_column: column {label_column!r} not in the dataset (columns: {list(frame.columns)})")
    if not pd.api.types.is_numeric_dtype(frame[label_column]):
        example = frame[label_column].dropna().iloc[0]
        raise ValueError(
            f"--label_column: column {label_column!r} must be numeric, found {frame[label_column].dtype} "
            f"(e.g. {example!r})"
        )
    if l2_regularization_weight < 0:
        raise ValueError(f"--l2_regularization_weight: must be 0 or more, got {l2_regularization_weight}")
    missing = [name for name in frame.columns if frame[name].isna().any()]
    if missing:
        raise ValueError(f"--dataset: missing values in column(s) {missing}; clean them first")
    features = frame.drop(columns=[label_column])
    if features.empty:
        raise ValueError(f"--dataset: no feature columns besides the label {label_column!r}")
    numeric = [name for name in features.columns if pd.api.types.is_numeric_dtype(features[name])]
    categorical = [name for name in features.columns if name not in numeric]

    # sparse_threshold=0 keeps the encoded matrix dense, so Ridge uses the same exact solver on every
    # scikit-learn version, and OneHotEncoder's sparse/sparse_output argument (renamed in 1.2) is not needed.
    encode = ColumnTransformer(
        [("categorical", OneHotEncoder(handle_unknown="ignore"), categorical), ("numeric", "passthrough", numeric)],
        sparse_threshold=0,
    )
    model = Pipeline(
        [("encode", encode), ("regress", Ridge(alpha=l2_regularization_weight, fit_intercept=include_intercept_term))]
    )
    model.fit(as_model_input(features, categorical), frame[label_column])
    description = {
        "label_column": label_column,
        "features": list(features.columns),
        "numeric_features": numeric,
        "categorical_features": categorical,
        "estimator": "sklearn.linear_model.Ridge",
        "l2_regularization_weight": l2_regularization_weight,
        "include_intercept_term": include_intercept_term,
        "training_rows": len(frame),
        "sklearn_version": sklearn.__version__,
    }
    return model, description


def as_model_input(features, categorical):
    """Text columns as str, so a category that looks like a number is still one category."""
    return features.astype({name: str for name in categorical})


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", required=True, help="training CSV file, or folder with one CSV")
    parser.add_argument("--label_column", required=True)
    parser.add_argument("--l2_regularization_weight", type=float, required=True)
    parser.add_argument("--include_intercept_term", type=parse_bool, required=True)
    parser.add_argument("--trained_model", required=True, help=f"output folder for {MODEL_FILE} and {FEATURES_FILE}")
    args = parser.parse_args(argv)

    frame = read_dataset(args.dataset, "dataset")
    model, description = train(frame, args.label_column, args.l2_regularization_weight, args.include_intercept_term)
    output = Path(args.trained_model)
    output.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, output / MODEL_FILE)
    (output / FEATURES_FILE).write_text(json.dumps(description, indent=2) + "\n")
    print(
        f"train_linear_regression: {len(frame)} rows, {len(description['numeric_features'])} numeric and "
        f"{len(description['categorical_features'])} categorical features"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
