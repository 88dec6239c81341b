#!/bin/bash
# Example setup script for the "max" scenario's compute instance (dp100-lab:computeInstance.setupScriptFile).
# Azure ML runs it once, as root, when the instance is created; keep secrets out of it (it is stored in
# the stack's state and in Azure).
set -euo pipefail

# The lab's notebooks use these; the instance's Python already has scikit-learn and pandas.
sudo -u azureuser -i bash -c 'conda run -n azureml_py38 pip install --quiet mlflow-skinny==2.* azure-ai-ml==1.*'
