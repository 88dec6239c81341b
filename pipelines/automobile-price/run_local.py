"""Runs the pipeline in graph.yaml on this machine, one subprocess per step.

For each job in dependency order it reads the component's `command`, binds `${{inputs.x}}` and
`${{outputs.y}}` the way Azure ML does (an input bound in the graph, else the component's default; an
output as a fresh folder under --output-dir; a `$[[...]]` part dropped when an optional input in it
has no value), runs it with this Python and the component folder as working directory, and prints
one line per step. At the end it prints the metrics of the `evaluation_results` pipeline output;
with --json they also go, as one JSON object, on the last line.

    /usr/bin/python3 pipelines/automobile-price/run_local.py [--json] [--output-dir DIR] [--graph FILE]
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
PIPELINE_INPUT = re.compile(r"\$\{\{parent\.inputs\.(\w+)\}\}")
JOB_OUTPUT = re.compile(r"\$\{\{parent\.jobs\.(\w+)\.outputs\.(\w+)\}\}")
PIPELINE_OUTPUT = re.compile(r"\$\{\{parent\.outputs\.(\w+)\}\}")
COMMAND_REFERENCE = re.compile(r"\$\{\{(inputs|outputs)\.(\w+)\}\}")
OPTIONAL_PART = re.compile(r"\$\[\[(.*?)\]\]", re.DOTALL)
DATA_TYPES = {"uri_file", "uri_folder"}
LITERAL_TYPES = {"string": (str,), "number": (int, float), "integer": (int,), "boolean": (bool,)}


class GraphError(ValueError):
    """The graph or a component YAML is not valid."""


def _check_keys(where, mapping, required, optional=()):
    if not isinstance(mapping, dict):
        raise GraphError(f"{where}: expected a mapping, got {type(mapping).__name__}")
    absent = [key for key in required if key not in mapping]
    unknown = [key for key in mapping if key not in required and key not in optional]
    if absent or unknown:
        raise GraphError(f"{where}: missing key(s) {absent}, unknown key(s) {unknown}")


def load_graph(path):
    """Reads the graph file and the component YAML of every job, and checks every binding.

    Returns {"inputs": {name: absolute path}, "outputs": {name: spec}, "jobs": {name: {"folder",
    "spec", "inputs", "outputs"}}}, jobs in file order.
    """
    path = Path(path)
    graph = yaml.safe_load(path.read_text())
    _check_keys(path.name, graph, ("inputs", "outputs", "jobs"))
    for section in ("inputs", "outputs", "jobs"):
        if not isinstance(graph[section], dict):
            raise GraphError(f"{section}: expected a mapping, got {type(graph[section]).__name__}")
    inputs = {}
    for name, spec in graph["inputs"].items():
        _check_keys(f"inputs.{name}", spec, ("type", "path"))
        if spec["type"] not in DATA_TYPES:
            raise GraphError(f"inputs.{name}: type must be uri_file or uri_folder, got {spec['type']!r}")
        inputs[name] = (path.parent / spec["path"]).resolve()
        if not inputs[name].exists():
            raise GraphError(f"inputs.{name}: path {spec['path']!r} does not exist next to {path.name}")
    for name, spec in graph["outputs"].items():
        _check_keys(f"outputs.{name}", spec, ("type",))
    jobs = {}
    for name, job in graph["jobs"].items():
        _check_keys(f"jobs.{name}", job, ("component",), ("inputs", "outputs"))
        folder = (path.parent / job["component"]).resolve()
        if not (folder / "component.yaml").is_file():
            raise GraphError(f"jobs.{name}: no component.yaml in {job['component']!r}")
        spec = yaml.safe_load((folder / "component.yaml").read_text())
        jobs[name] = {
            "folder": folder,
            "spec": spec,
            "inputs": job.get("inputs") or {},
            "outputs": job.get("outputs") or {},
        }
    for name, job in jobs.items():
        _check_bindings(name, job, graph, jobs)
    promoted = [PIPELINE_OUTPUT.fullmatch(value).group(1) for job in jobs.values() for value in job["outputs"].values()]
    for name in graph["outputs"]:
        if promoted.count(name) != 1:
            raise GraphError(f"outputs.{name}: promoted by {promoted.count(name)} job outputs, expected exactly 1")
    return {"inputs": inputs, "outputs": graph["outputs"], "jobs": jobs}


def _check_bindings(name, job, graph, jobs):
    declared = job["spec"].get("inputs") or {}
    for port, binding in job["inputs"].items():
        where = f"jobs.{name}.inputs.{port}"
        if port not in declared:
            raise GraphError(f"{where}: the component has no input {port!r} (inputs: {list(declared)})")
        kind = declared[port]["type"]
        if isinstance(binding, str) and "${{" in binding:
            if kind not in DATA_TYPES:
                raise GraphError(f"{where}: a {kind} input takes a literal value, got {binding!r}")
            pipeline_input, job_output = PIPELINE_INPUT.fullmatch(binding), JOB_OUTPUT.fullmatch(binding)
            if pipeline_input and pipeline_input.group(1) not in graph["inputs"]:
                raise GraphError(f"{where}: unknown binding {binding}: no pipeline input {pipeline_input.group(1)!r}")
            if job_output:
                source, source_port = job_output.groups()
                if source not in jobs:
                    raise GraphError(f"{where}: unknown binding {binding}: no job {source!r}")
                if source_port not in (jobs[source]["spec"].get("outputs") or {}):
                    raise GraphError(
                        f"{where}: unknown binding {binding}: job {source!r} has no output {source_port!r}"
                    )
            if not (pipeline_input or job_output):
                raise GraphError(f"{where}: unknown binding {binding}")
        elif kind in DATA_TYPES:
            raise GraphError(
                f"{where}: a {kind} input must be bound to a ${{{{parent...}}}} expression, got {binding!r}"
            )
        else:
            _check_literal(where, declared[port], binding)
    for port, spec in declared.items():
        if port not in job["inputs"] and "default" not in spec and not spec.get("optional", False):
            raise GraphError(f"jobs.{name}.inputs.{port}: required input is not bound and has no default")
    for port, binding in job["outputs"].items():
        where = f"jobs.{name}.outputs.{port}"
        if port not in (job["spec"].get("outputs") or {}):
            raise GraphError(f"{where}: the component has no output {port!r}")
        promoted = PIPELINE_OUTPUT.fullmatch(str(binding))
        if not promoted or promoted.group(1) not in graph["outputs"]:
            raise GraphError(
                f"{where}: unknown binding {binding}: expected ${{{{parent.outputs.<name>}}}} of a pipeline output"
            )


def _check_literal(where, spec, value):
    accepted = LITERAL_TYPES.get(spec["type"])
    if accepted is None or not isinstance(value, accepted) or (spec["type"] != "boolean" and isinstance(value, bool)):
        raise GraphError(f"{where}: {value!r} is not a valid {spec['type']} value")
    if "min" in spec and value < spec["min"] or "max" in spec and value > spec["max"]:
        raise GraphError(f"{where}: {value!r} is outside [{spec.get('min')}, {spec.get('max')}]")


def dependencies(jobs):
    """{job: the set of jobs whose outputs it reads}."""
    depends_on = {}
    for name, job in jobs.items():
        bindings = (JOB_OUTPUT.fullmatch(str(binding)) for binding in job["inputs"].values())
        depends_on[name] = {match.group(1) for match in bindings if match}
    return depends_on


def topological_order(depends_on):
    """Jobs ordered so that each comes after the jobs it depends on; ties keep the given order."""
    order, done = [], set()
    while len(order) < len(depends_on):
        ready = [name for name in depends_on if name not in done and depends_on[name] <= done]
        if not ready:
            stuck = [name for name in depends_on if name not in done]
            raise GraphError(f"jobs: cycle among {stuck}")
        order.append(ready[0])
        done.add(ready[0])
    return order


def literal_text(value):
    """A literal as Azure ML puts it in a command (the Python SDK's str(): booleans as True/False)."""
    return str(value)


def render_command(command, values):
    """Argument list for `command`, with values[(kind, name)] substituted for ${{kind.name}}."""

    def optional_part(match):
        references = COMMAND_REFERENCE.findall(match.group(1))
        return match.group(1) if all(key in values for key in references) else ""

    def reference(match):
        key = (match.group(1), match.group(2))
        if key not in values:
            raise GraphError(f"command: ${{{{{key[0]}.{key[1]}}}}} has no value")
        return shlex.quote(values[key])

    return shlex.split(COMMAND_REFERENCE.sub(reference, OPTIONAL_PART.sub(optional_part, command)))


class StepFailed(RuntimeError):
    def __init__(self, name, argv, result):
        super().__init__(f"step {name} failed with exit code {result.returncode}: {shlex.join(argv)}\n{result.stderr}")


def bind(graph, name, output_dir, folders):
    """values[(kind, port)] for job `name`'s command; creates its output folders and records them in `folders`."""
    job = graph["jobs"][name]
    values = {}
    for port in job["spec"].get("outputs") or {}:
        folder = output_dir / name / port
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        folders[(name, port)] = values[("outputs", port)] = str(folder)
    for port, spec in (job["spec"].get("inputs") or {}).items():
        binding = job["inputs"].get(port, spec.get("default"))
        pipeline_input, job_output = PIPELINE_INPUT.fullmatch(str(binding)), JOB_OUTPUT.fullmatch(str(binding))
        if pipeline_input:
            values[("inputs", port)] = str(graph["inputs"][pipeline_input.group(1)])
        elif job_output:
            values[("inputs", port)] = folders[job_output.groups()]
        elif binding is not None:
            values[("inputs", port)] = literal_text(binding)
    return values


def run(graph, output_dir, log=print):
    """Runs every job; returns {pipeline output name: folder}. Raises StepFailed on a failing step."""
    output_dir = Path(output_dir).resolve()
    order = topological_order(dependencies(graph["jobs"]))
    folders = {}
    env = dict(os.environ)
    # evaluate_model logs to MLflow when it can import it: keep any local run out of the component folder.
    env.setdefault("MLFLOW_TRACKING_URI", (output_dir / "mlruns").as_uri())
    for index, name in enumerate(order, start=1):
        argv = render_command(graph["jobs"][name]["spec"]["command"], bind(graph, name, output_dir, folders))
        if argv[0] == "python":
            argv[0] = sys.executable
        started = time.monotonic()
        result = subprocess.run(argv, cwd=graph["jobs"][name]["folder"], env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        if result.returncode != 0:
            log(f"[{index}/{len(order)}] {name} ... FAILED (exit {result.returncode}, {elapsed:.1f} s)")
            raise StepFailed(name, argv, result)
        log(f"[{index}/{len(order)}] {name} ... ok ({elapsed:.1f} s)")
    return {
        PIPELINE_OUTPUT.fullmatch(binding).group(1): Path(folders[(name, port)])
        for name, job in graph["jobs"].items()
        for port, binding in job["outputs"].items()
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="also print the metrics as one JSON object, last line")
    parser.add_argument(
        "--output-dir", default="out/automobile-price", help="where step outputs go (default: %(default)s)"
    )
    parser.add_argument("--graph", default=str(HERE / "graph.yaml"), help="graph file (default: graph.yaml here)")
    args = parser.parse_args(argv)
    try:
        outputs = run(load_graph(args.graph), args.output_dir)
    except GraphError as error:
        print(f"run_local: error: {error}", file=sys.stderr)
        return 2
    except StepFailed as error:
        print(f"run_local: {error}", file=sys.stderr)
        return 1
    if "evaluation_results" not in outputs:
        print("run_local: error: the graph has no pipeline output evaluation_results", file=sys.stderr)
        return 2
    metrics_file = outputs["evaluation_results"] / "metrics.json"
    metrics = json.loads(metrics_file.read_text())
    print(f"evaluation metrics ({metrics_file}):")
    for name, value in metrics.items():
        print(f"  {name:<30} {value:.4f}")
    if args.json:
        print(json.dumps(metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
