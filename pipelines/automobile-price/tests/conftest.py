"""Loads the step scripts and run_local.py by path, under names no other test suite can collide with."""
import importlib.util
import sys
from pathlib import Path

import pytest

# The component folders are uploaded as code: importing their scripts must not leave __pycache__ there.
sys.dont_write_bytecode = True

PIPELINE = Path(__file__).resolve().parents[1]
STEPS = (
    "select_columns",
    "clean_missing_data",
    "split_data",
    "train_linear_regression",
    "score_model",
    "evaluate_model",
)


def load(path):
    name = f"automobile_price_{path.stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def load_step(step):
    return load(PIPELINE / "components" / step / f"{step}.py")


@pytest.fixture(scope="session")
def pipeline_dir():
    return PIPELINE


@pytest.fixture(scope="session")
def steps():
    """{step name: its module}."""
    return {step: load_step(step) for step in STEPS}


@pytest.fixture(scope="session")
def select_columns():
    return load_step("select_columns")


@pytest.fixture(scope="session")
def clean_missing_data():
    return load_step("clean_missing_data")


@pytest.fixture(scope="session")
def split_data():
    return load_step("split_data")


@pytest.fixture(scope="session")
def train_linear_regression():
    return load_step("train_linear_regression")


@pytest.fixture(scope="session")
def score_model():
    return load_step("score_model")


@pytest.fixture(scope="session")
def evaluate_model():
    return load_step("evaluate_model")


@pytest.fixture(scope="session")
def run_local():
    return load(PIPELINE / "run_local.py")
