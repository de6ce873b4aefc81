"""Writes template.yaml as CloudFormation receives it for a set of parameter values.

    python infra/parity/render_sam.py infra/testdata/parity-route53-https.json out.json

The SAM translator (as in the parity test) transforms template.yaml with the values of
the JSON file, which also become the parameters' defaults in the output, so that
cfn-lint lints that variant of the stack: make lint-iac runs it for the Route 53
variants.
"""

import json
import sys

import test_parity


def main(params_path, out_path):
    with open(params_path, encoding="utf-8") as f:
        params = json.load(f)
    template = test_parity.sam_template(params)
    for name, value in params.items():
        spec = template["Parameters"][name]
        spec["Default"] = int(value) if spec.get("Type") == "Number" else value
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(template, f, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
