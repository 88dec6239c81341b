import json
import math

import pandas as pd
import pytest
import yaml

ORDER = [
    "select_columns",
    "clean_missing_data",
    "split_data",
    "train_linear_regression",
    "score_model",
    "evaluate_model",
]
# The figures of this pipeline on Debian's scikit-learn 1.2 / numpy 1.24 (README, "Local result").
LOCAL_METRICS = {
    "mean_absolute_error": 1774.88,
    "root_mean_squared_error": 2461.99,
    "relative_squared_error": 0.13183,
    "relative_absolute_error": 0.38964,
    "coefficient_of_determination": 0.86817,
}


def write_graph(pipeline_dir, tmp_path, jobs, inputs=None, outputs=None):
    """A graph file in tmp_path whose components and raw data are this pipeline's."""
    for job in jobs.values():
        job["component"] = str(pipeline_dir / "components" / job["component"])
    graph = {
        "inputs": inputs
        or {"raw_data": {"type": "uri_file", "path": str(pipeline_dir / "data" / "automobile-price-raw.csv")}},
        "outputs": outputs or {},
        "jobs": jobs,
    }
    (tmp_path / "graph.yaml").write_text(yaml.safe_dump(graph, sort_keys=False))
    return tmp_path / "graph.yaml"


def test_real_graph_runs_in_designer_order(run_local, pipeline_dir):
    graph = run_local.load_graph(pipeline_dir / "graph.yaml")
    assert run_local.topological_order(run_local.dependencies(graph["jobs"])) == ORDER
    assert run_local.dependencies(graph["jobs"])["score_model"] == {"train_linear_regression", "split_data"}


def test_topological_order_puts_dependencies_first_and_keeps_ties_in_order(run_local):
    depends_on = {"c": {"b"}, "b": {"a"}, "x": set(), "a": set()}
    assert run_local.topological_order(depends_on) == ["x", "a", "b", "c"]


def test_a_cycle_is_an_error_naming_its_jobs(run_local, pipeline_dir, tmp_path):
    path = write_graph(
        pipeline_dir,
        tmp_path,
        {
            "first": {"component": "select_columns", "inputs": {"dataset": "${{parent.inputs.raw_data}}"}},
            "second": {
                "component": "clean_missing_data",
                "inputs": {"dataset": "${{parent.jobs.third.outputs.cleaned_dataset}}"},
            },
            "third": {
                "component": "clean_missing_data",
                "inputs": {"dataset": "${{parent.jobs.second.outputs.cleaned_dataset}}"},
            },
        },
    )
    graph = run_local.load_graph(path)
    with pytest.raises(run_local.GraphError) as info:
        run_local.topological_order(run_local.dependencies(graph["jobs"]))
    assert str(info.value) == "jobs: cycle among ['second', 'third']"


@pytest.mark.parametrize(
    "binding, message",
    [
        (
            "${{parent.jobs.nowhere.outputs.results_dataset}}",
            "jobs.clean.inputs.dataset: unknown binding ${{parent.jobs.nowhere.outputs.results_dataset}}: no job 'nowhere'",
        ),
        (
            "${{parent.jobs.select.outputs.cleaned_dataset}}",
            "jobs.clean.inputs.dataset: unknown binding ${{parent.jobs.select.outputs.cleaned_dataset}}: "
            "job 'select' has no output 'cleaned_dataset'",
        ),
        (
            "${{parent.inputs.cooked_data}}",
            "jobs.clean.inputs.dataset: unknown binding ${{parent.inputs.cooked_data}}: no pipeline input 'cooked_data'",
        ),
        (
            "${{parent.select.results_dataset}}",
            "jobs.clean.inputs.dataset: unknown binding ${{parent.select.results_dataset}}",
        ),
        (
            "data.csv",
            "jobs.clean.inputs.dataset: a uri_folder input must be bound to a ${{parent...}} expression, got 'data.csv'",
        ),
    ],
)
def test_an_unknown_binding_is_an_error_naming_job_and_port(run_local, pipeline_dir, tmp_path, binding, message):
    path = write_graph(
        pipeline_dir,
        tmp_path,
        {
            "select": {"component": "select_columns", "inputs": {"dataset": "${{parent.inputs.raw_data}}"}},
            "clean": {"component": "clean_missing_data", "inputs": {"dataset": binding}},
        },
    )
    with pytest.raises(run_local.GraphError) as info:
        run_local.load_graph(path)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "inputs, message",
    [
        (
            {"dataset": "${{parent.inputs.raw_data}}", "colour": "red"},
            "jobs.select.inputs.colour: the component has no input 'colour' (inputs: ['dataset', 'exclude_columns'])",
        ),
        ({}, "jobs.select.inputs.dataset: required input is not bound and has no default"),
        (
            {"dataset": "${{parent.inputs.raw_data}}", "exclude_columns": 3},
            "jobs.select.inputs.exclude_columns: 3 is not a valid string value",
        ),
    ],
)
def test_an_input_the_component_cannot_take_is_an_error(run_local, pipeline_dir, tmp_path, inputs, message):
    path = write_graph(pipeline_dir, tmp_path, {"select": {"component": "select_columns", "inputs": inputs}})
    with pytest.raises(run_local.GraphError) as info:
        run_local.load_graph(path)
    assert str(info.value) == message


def test_a_literal_outside_the_declared_bounds_is_an_error(run_local, pipeline_dir, tmp_path):
    path = write_graph(
        pipeline_dir,
        tmp_path,
        {
            "select": {"component": "select_columns", "inputs": {"dataset": "${{parent.inputs.raw_data}}"}},
            "split": {
                "component": "split_data",
                "inputs": {
                    "dataset": "${{parent.jobs.select.outputs.results_dataset}}",
                    "fraction_of_rows": 1.5,
                },
            },
        },
    )
    with pytest.raises(run_local.GraphError) as info:
        run_local.load_graph(path)
    assert str(info.value) == "jobs.split.inputs.fraction_of_rows: 1.5 is outside [0.0, 1.0]"


def test_a_pipeline_output_must_be_promoted_once(run_local, pipeline_dir, tmp_path):
    path = write_graph(
        pipeline_dir,
        tmp_path,
        {"select": {"component": "select_columns", "inputs": {"dataset": "${{parent.inputs.raw_data}}"}}},
        outputs={"evaluation_results": {"type": "uri_folder"}},
    )
    with pytest.raises(run_local.GraphError) as info:
        run_local.load_graph(path)
    assert str(info.value) == "outputs.evaluation_results: promoted by 0 job outputs, expected exactly 1"


def test_an_unknown_key_is_an_error(run_local, pipeline_dir, tmp_path):
    path = write_graph(
        pipeline_dir,
        tmp_path,
        {
            "select": {
                "component": "select_columns",
                "inputs": {"dataset": "${{parent.inputs.raw_data}}"},
                "compute": "cpu",
            },
        },
    )
    with pytest.raises(run_local.GraphError) as info:
        run_local.load_graph(path)
    assert str(info.value) == "jobs.select: missing key(s) [], unknown key(s) ['compute']"


def test_render_command_substitutes_quotes_and_drops_unset_optional_parts(run_local):
    command = "python s.py --a ${{inputs.a}} $[[--b ${{inputs.b}}]] --out ${{outputs.out}}"
    values = {("inputs", "a"): "two words", ("outputs", "out"): "/tmp/o"}
    assert run_local.render_command(command, values) == ["python", "s.py", "--a", "two words", "--out", "/tmp/o"]
    values[("inputs", "b")] = "x"
    assert run_local.render_command(command, values) == [
        "python",
        "s.py",
        "--a",
        "two words",
        "--b",
        "x",
        "--out",
        "/tmp/o",
    ]


def test_literals_are_rendered_as_the_python_sdk_does(run_local):
    assert [run_local.literal_text(value) for value in (True, False, 0, 0.7, "price")] == [
        "True",
        "False",
        "0",
        "0.7",
        "price",
    ]


def test_a_failing_step_stops_the_run_with_its_error(run_local, pipeline_dir, tmp_path, capsys):
    path = write_graph(
        pipeline_dir,
        tmp_path,
        {
            "select": {
                "component": "select_columns",
                "inputs": {"dataset": "${{parent.inputs.raw_data}}", "exclude_columns": "nope"},
            },
        },
    )
    assert run_local.main(["--graph", str(path), "--output-dir", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("[1/1] select ... FAILED (exit 1, ")
    assert "ValueError: --exclude_columns: column(s) ['nope'] not in the dataset" in captured.err


def test_the_whole_pipeline_on_the_real_data(run_local, tmp_path, capsys):
    assert run_local.main(["--json", "--output-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ... ")[0] for line in lines[:6]] == [
        f"[{i}/6] {name}" for i, name in enumerate(ORDER, start=1)
    ]
    assert all(" ... ok (" in line for line in lines[:6])
    metrics = json.loads(lines[-1])
    assert list(metrics) == list(LOCAL_METRICS)
    assert all(math.isfinite(value) for value in metrics.values())
    assert metrics == pytest.approx(LOCAL_METRICS, rel=1e-3)

    def rows(job, port):
        return len(pd.read_csv(tmp_path / job / port / "data.csv"))

    assert rows("select_columns", "results_dataset") == 205
    assert "normalized-losses" not in pd.read_csv(tmp_path / "select_columns" / "results_dataset" / "data.csv").columns
    assert rows("clean_missing_data", "cleaned_dataset") == 193
    assert (rows("split_data", "results_dataset1"), rows("split_data", "results_dataset2")) == (135, 58)
    scored = pd.read_csv(tmp_path / "score_model" / "scored_dataset" / "data.csv")
    assert (len(scored), scored.columns[-1]) == (58, "Scored Labels")
    assert json.loads((tmp_path / "evaluate_model" / "evaluation_results" / "metrics.json").read_text()) == metrics
