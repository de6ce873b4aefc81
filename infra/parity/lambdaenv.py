"""One function's settings in template.yaml, as `sam local invoke` would give them.

    python infra/parity/lambdaenv.py TEMPLATE FUNCTION [Name=Value ...]

prints JSON {"logicalId", "memoryMB", "timeoutSeconds", "env"}: the function whose tag
lambdahealth:function is FUNCTION (or whose logical ID is FUNCTION + "Function"), its
MemorySize and Timeout, and its environment (Globals.Function.Environment.Variables and its
own), evaluated by the parity test's evaluator (cfn.Evaluator: conditions, Fn::If, Ref,
Fn::Sub, ...) with the parameters' defaults or the Name=Value overrides, as
`--parameter-overrides` gives them. A variable that names a resource (it exists only once
deployed) is left out, with a warning on stderr. internal/invoke (make invoke) runs it.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cfn  # noqa: E402


def warn(msg):
    print("invoke: " + msg, file=sys.stderr)


def text(v):
    """A CloudFormation value as the string Lambda gets."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(text(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v)
    return str(v)


def find_function(resources, fn):
    def is_function(r):
        return isinstance(r, dict) and r.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function")

    def tags(r):
        t = (r.get("Properties") or {}).get("Tags") or {}
        if isinstance(t, list):  # AWS::Lambda::Function: [{Key, Value}]
            return {i.get("Key"): i.get("Value") for i in t}
        return t

    found = [lid for lid, r in resources.items() if is_function(r) and tags(r).get(cfn.FUNCTION_TAG) == fn]
    if not found:
        wanted = {fn.lower(), fn.lower() + "function"}
        found = [lid for lid, r in resources.items() if is_function(r) and lid.lower() in wanted]
    if len(found) != 1:
        raise ValueError("template has %d functions for %r (tag %s: %s, or logical ID %sFunction): %s"
                         % (len(found), fn, cfn.FUNCTION_TAG, fn, fn.capitalize(), found))
    return found[0]


def settings(template, fn, overrides):
    ev = cfn.Evaluator(template, overrides)
    resources = template.get("Resources") or {}
    logical_id = find_function(resources, fn)
    props = resources[logical_id].get("Properties") or {}
    glob = (template.get("Globals") or {}).get("Function") or {}

    declared = {}
    declared.update(((glob.get("Environment") or {}).get("Variables")) or {})
    declared.update(((props.get("Environment") or {}).get("Variables")) or {})
    env = {}
    for name, raw in declared.items():
        value = ev.value(raw)
        if value is cfn.NOVALUE:
            continue
        value = text(value)
        if cfn._MARKER.search(value):
            warn("%s not set: it names a resource, which only exists once deployed" % name)
            continue
        env[name] = value
    return {
        "logicalId": logical_id,
        "memoryMB": int(text(ev.value(props.get("MemorySize", glob.get("MemorySize", 128))))),
        "timeoutSeconds": int(text(ev.value(props.get("Timeout", glob.get("Timeout", 3))))),
        "env": env,
    }


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    template_path, fn, *args = argv
    overrides = {}
    for a in args:
        name, sep, value = a.partition("=")
        if not sep:
            warn("parameter override %r is not Name=Value" % a)
            return 2
        overrides[name] = value
    try:
        out = settings(cfn.load_yaml(template_path) or {}, fn, overrides)
    except (ValueError, KeyError) as e:
        warn(str(e))
        return 2
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
