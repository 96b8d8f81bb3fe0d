#!/usr/bin/env bash
# Validates FHIR R4 JSON files (a Bundle, or any single resource) against the structure of
# FHIR R4 (4.0.1) with the Python package fhir.resources, offline: every resource type,
# element name, cardinality, required element and primitive format (dates, codes, URIs) is
# checked; references and terminology (whether a LOINC code exists) are not.
#
# Usage: tools/fhir-validate.sh FILE...
# Prints "FILE: valid FHIR R4 <resourceType>" or "FILE: INVALID: <why>" for each file;
# exits 0 when every file is valid, 1 when any is not, 2 when the validator cannot be set up.
#
# On first use it makes a Python virtual environment (python3 -m venv: Debian's
# python3-venv, which tools/setup.sh installs) at $STILLPOINT_FHIR_VENV, by default
# ~/.cache/stillpoint/fhir-venv, and installs the pinned packages into it from the package
# registry (PyPI). In fhir.resources 6.4.0 (on pydantic 1) the top-level models are FHIR R4
# (4.0.1), which the check below makes sure of; later releases default to R5.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: tools/fhir-validate.sh FILE..." >&2
    exit 2
fi

venv="${STILLPOINT_FHIR_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/stillpoint/fhir-venv}"
packages=("fhir.resources==6.4.0" "pydantic[email]==1.10.27")
stamp="$venv/.stillpoint-packages"

ready() { [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "${packages[*]}" ]; }

if ! ready; then
    mkdir -p "$(dirname "$venv")"
    # One set-up at a time (tests run this in parallel); the others wait and use it.
    exec 9>"$venv.lock"
    flock 9
    if ! ready; then
        echo "Setting up the FHIR validator in $venv (once)…" >&2
        # Built beside its final place and moved there when complete, so that an interrupted
        # set-up never leaves a half-installed one in use. Only bin/python is used from
        # here on, which finds its packages wherever the folder is.
        building="$(mktemp -d "$venv.building.XXXXXX")"
        trap 'rm -rf "$building"' EXIT
        if ! python3 -m venv "$building" >&2; then
            echo "error: python3 -m venv failed; on Debian or Ubuntu install python3-venv (tools/setup.sh --test does)" >&2
            exit 2
        fi
        if ! "$building/bin/python" -m pip install --quiet --disable-pip-version-check \
            "${packages[@]}" >&2; then
            echo "error: cannot install ${packages[*]} from the package registry" >&2
            exit 2
        fi
        echo "${packages[*]}" > "$building/.stillpoint-packages"
        rm -rf "$venv"
        mv "$building" "$venv"
        trap - EXIT
    fi
    exec 9>&-
fi

exec "$venv/bin/python" - "$@" <<'PYTHON'
import json
import sys

import fhir.resources
from fhir.resources import get_fhir_model_class

if fhir.resources.__fhir_version__ != "4.0.1":
    print(f"error: fhir.resources validates FHIR {fhir.resources.__fhir_version__}, not R4 (4.0.1)",
          file=sys.stderr)
    sys.exit(2)

invalid = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
            raise ValueError("not a FHIR resource: no resourceType")
        try:
            model = get_fhir_model_class(data["resourceType"])
        except KeyError:
            raise ValueError(f"unknown resourceType {data['resourceType']!r}") from None
        resource = model.parse_obj(data)
        entries = len(getattr(resource, "entry", None) or [])
        detail = f" with {entries} entries" if data["resourceType"] == "Bundle" else ""
        print(f"{path}: valid FHIR R4 {data['resourceType']}{detail}")
    except Exception as error:  # noqa: BLE001 - every failure is a verdict on the file
        invalid += 1
        why = " ".join(str(error).split())
        print(f"{path}: INVALID: {type(error).__name__}: {why}")
sys.exit(1 if invalid else 0)
PYTHON
