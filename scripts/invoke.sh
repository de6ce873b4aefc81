#!/usr/bin/env bash
# Invoke a function's real bootstrap with an event, as `sam local invoke` does,
# without Docker: the Lambda Runtime Interface Emulator that SAM CLI bundles runs
# the bootstrap directly on this machine, on 127.0.0.1.
#
#   scripts/invoke.sh FN EVENT [Parameter=Value ...]
#   scripts/invoke.sh health events/health-v2-ready.json
#   scripts/invoke.sh health events/health-v2-health.json Details=always \
#       'ChecksJson=[{"name":"db","type":"tcp","address":"127.0.0.1:55432"}]'
#   scripts/invoke.sh canary events/canary-scheduled.json
#
# FN is a directory under functions/. The function's environment is what
# template.yaml gives it: Globals.Function.Environment.Variables and the
# function's own, with !Ref/!Sub/!If/... of parameters resolved to their
# Default values (or to the Parameter=Value arguments, like
# `sam local invoke --parameter-overrides`); like SAM, a variable the template
# declares takes its value from this shell's environment when set there. Then
# .local/env (written by `make local-up`) is added, so the local stack's
# endpoints and credentials win. MemorySize and Timeout come from the template.
#
# stdout: the response, as indented JSON. stderr: the build, the function's log
# lines and REPORT line, and the equivalent `sam local invoke` command.
# Exit status: 0 when the function answered, 1 when it failed or crashed.
# RIE_LOG=1 also prints the emulator's own log; TEMPLATE=file reads another
# template than template.yaml.
set -euo pipefail

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 2 ]] || usage
fn=$1 event=$2
shift 2
overrides=("$@")
for o in "${overrides[@]}"; do
  [[ $o == *=* ]] || { echo "invoke: parameter override '$o' is not Name=Value" >&2; exit 2; }
done

root=$(cd "$(dirname "$0")/.." && pwd)
[[ -d $root/functions/$fn ]] || { echo "invoke: no function '$fn' (functions/$fn)" >&2; exit 2; }
[[ -f $event ]] || { echo "invoke: no event file '$event'" >&2; exit 2; }
event=$(cd "$(dirname "$event")" && pwd)/$(basename "$event")
template=${TEMPLATE:-$root/template.yaml}
[[ -f $template ]] || { echo "invoke: no $template" >&2; exit 2; }

goarch=$(go env GOARCH)
case $goarch in
  amd64) rie_arch=x86_64 ;;
  arm64) rie_arch=arm64 ;;
  *) echo "invoke: no emulator build for $goarch" >&2; exit 1 ;;
esac
rie=
for f in "$root"/.venv/sam/lib/python3*/site-packages/samcli/local/rapid/aws-lambda-rie-"$rie_arch"; do
  [[ -x $f ]] && rie=$f
done
[[ -n $rie ]] || { echo "invoke: the emulator is not installed (.venv/sam/.../aws-lambda-rie-$rie_arch): run \`make tools\`" >&2; exit 1; }
python=
for p in "$root/.venv/sam/bin/python" "$root/.venv/bin/python" python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' 2>/dev/null; then python=$p; break; fi
done
[[ -n $python ]] || { echo "invoke: need a Python with PyYAML (run \`make tools\`)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/invoke.XXXXXX")
rie_pid='' curl_pid=''
# shellcheck disable=SC2317 # called by the trap
cleanup() {
  [[ -z $curl_pid ]] || kill "$curl_pid" 2>/dev/null || true
  if [[ -n $rie_pid ]]; then
    # The emulator runs the bootstrap as its child, in a process group of its
    # own: stop both, by their process IDs; the bootstrap first, so that the
    # emulator reaps it (rather than leaving a zombie to init).
    local kids
    kids=$(ps -o pid= --ppid "$rie_pid" 2>/dev/null || true)
    if [[ -n $kids ]]; then
      # shellcheck disable=SC2086
      kill -KILL $kids 2>/dev/null || true
      for _ in $(seq 50); do
        # shellcheck disable=SC2086
        ps -o pid= -p "${kids//[[:space:]]/,}" >/dev/null 2>&1 || break
        sleep 0.01
      done
    fi
    kill -KILL "$rie_pid" 2>/dev/null || true
    wait "$rie_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The function's environment: template.yaml, this shell, .local/env.
CFN_LIB="$root/infra/parity" "$python" - "$template" "$fn" "$root/.local/env" "$tmp/env" "${overrides[@]}" <<'PY'
import json, os, re, shlex, sys, base64

template_path, fn, local_env_path, out_path, *override_args = sys.argv[1:]

def warn(msg):
    print("invoke: " + msg, file=sys.stderr)

# The template, with CloudFormation's short tags (!Ref, !Sub, !If, ...), read
# by the same loader as the SAM/CDK parity test.
sys.path.insert(0, os.environ["CFN_LIB"])
from cfn import load_yaml  # noqa: E402
tpl = load_yaml(template_path) or {}

local_env = {}
if os.path.exists(local_env_path):
    with open(local_env_path) as f:
        for line in f:
            words = shlex.split(line, comments=True)
            if words[:1] == ["export"]:
                words = words[1:]
            for w in words:
                k, sep, v = w.partition("=")
                if sep:
                    local_env[k] = v
else:
    warn(".local/env not found: the local stack is not up (`make local-up`); AWS calls will not reach LocalStack")

# --- parameters, pseudo parameters, conditions ---
overrides = dict(a.split("=", 1) for a in override_args)
params = {}
for name, spec in (tpl.get("Parameters") or {}).items():
    spec = spec or {}
    if name in overrides:
        value = overrides.pop(name)
    elif "Default" in spec:
        value = spec["Default"]
    else:
        value = None  # no default: resolving it is an error
    if value is not None:
        value = str(value) if not isinstance(value, bool) else str(value).lower()
        if spec.get("Type", "").startswith("CommaDelimitedList") or spec.get("Type", "").startswith("List<"):
            value = [] if value == "" else [v.strip() for v in value.split(",")]
    params[name] = value
for name in overrides:
    warn(f"parameter override {name}: the template has no such parameter")
    sys.exit(2)

region = local_env.get("AWS_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
# The values `sam local` uses.
pseudo = {
    "AWS::AccountId": "123456789012",
    "AWS::Region": region,
    "AWS::StackName": "local",
    "AWS::StackId": f"arn:aws:cloudformation:{region}:123456789012:stack/local/51af3dc0-da77-11e4-872e-1234567db123",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
}
NOVALUE = object()

class Unresolved(Exception):
    pass

resources = tpl.get("Resources") or {}
conditions = tpl.get("Conditions") or {}
cond_cache = {}

def condition(name):
    if name not in cond_cache:
        if name not in conditions:
            raise Unresolved(f"unknown condition {name}")
        cond_cache[name] = bool(resolve(conditions[name]))
    return cond_cache[name]

def ref(name):
    if name == "AWS::NoValue":
        return NOVALUE
    if name in pseudo:
        return pseudo[name]
    if name in params:
        if params[name] is None:
            raise Unresolved(f"parameter {name} has no Default (pass {name}=VALUE)")
        return params[name]
    if name in resources:
        raise Unresolved(f"!Ref {name} is a resource, which only exists once deployed")
    raise Unresolved(f"!Ref {name}: no such parameter")

def sub(text, variables):
    def repl(m):
        expr = m.group(1)
        if expr.startswith("!"):
            return "${" + expr[1:] + "}"
        if expr in variables:
            v = resolve(variables[expr])
        elif "." in expr and expr.split(".", 1)[0] in resources:
            raise Unresolved(f"${{{expr}}} is a resource attribute, which only exists once deployed")
        else:
            v = ref(expr)
        if v is NOVALUE:
            raise Unresolved(f"${{{expr}}} is AWS::NoValue")
        return stringify(v)
    return re.sub(r"\$\{([^}]*)\}", repl, text)

def resolve(v):
    if isinstance(v, list):
        return [x for x in (resolve(i) for i in v) if x is not NOVALUE]
    if not isinstance(v, dict):
        return v
    if len(v) == 1:
        (k, a), = v.items()
        if k == "Ref":
            return ref(a)
        if k == "Condition":
            return condition(a)
        if k == "Fn::If":
            return resolve(a[1] if condition(a[0]) else a[2])
        if k == "Fn::Equals":
            x, y = (resolve(i) for i in a)
            return stringify(x) == stringify(y)
        if k == "Fn::Not":
            return not resolve(a[0])
        if k == "Fn::And":
            return all(resolve(i) for i in a)
        if k == "Fn::Or":
            return any(resolve(i) for i in a)
        if k == "Fn::Sub":
            return sub(a, {}) if isinstance(a, str) else sub(a[0], a[1])
        if k == "Fn::Join":
            return str(a[0]).join(stringify(i) for i in resolve(a[1]))
        if k == "Fn::Select":
            return resolve(a[1])[int(resolve(a[0]))]
        if k == "Fn::Split":
            return stringify(resolve(a[1])).split(a[0])
        if k == "Fn::FindInMap":
            m, k1, k2 = (stringify(resolve(i)) for i in a)
            return tpl["Mappings"][m][k1][k2]
        if k == "Fn::Base64":
            return base64.b64encode(stringify(resolve(a)).encode()).decode()
        if k.startswith("Fn::"):
            raise Unresolved(f"{k} cannot be resolved before deployment")
    return {k: x for k, x in ((k, resolve(x)) for k, x in v.items()) if x is not NOVALUE}

def stringify(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(stringify(i) for i in v)
    if isinstance(v, dict):
        return json.dumps(v)
    return str(v)

# --- the function ---
def is_function(r):
    return isinstance(r, dict) and r.get("Type") in ("AWS::Serverless::Function", "AWS::Lambda::Function")

def tags(r):
    t = (r.get("Properties") or {}).get("Tags") or {}
    if isinstance(t, list):  # AWS::Lambda::Function: [{Key, Value}]
        return {i.get("Key"): i.get("Value") for i in t}
    return t

candidates = [lid for lid, r in resources.items() if is_function(r) and tags(r).get("lambdahealth:function") == fn]
if not candidates:
    wanted = {fn.lower(), fn.lower() + "function"}
    candidates = [lid for lid, r in resources.items() if is_function(r) and lid.lower() in wanted]
if len(candidates) != 1:
    warn(f"template has {len(candidates)} functions for '{fn}' (tag lambdahealth:function: {fn}, or logical ID {fn.capitalize()}Function): {candidates}")
    sys.exit(2)
logical_id = candidates[0]
props = resources[logical_id].get("Properties") or {}
glob = ((tpl.get("Globals") or {}).get("Function") or {})

def prop(name, default):
    raw = props.get(name, glob.get(name, default))
    try:
        return stringify(resolve(raw))
    except Unresolved as e:
        warn(f"{name}: {e}; using {default}")
        return str(default)

declared = {}
declared.update(((glob.get("Environment") or {}).get("Variables")) or {})
declared.update(((props.get("Environment") or {}).get("Variables")) or {})

env = {}
for name, raw in declared.items():
    try:
        value = resolve(raw)
    except (Unresolved, KeyError, IndexError, TypeError, ValueError) as e:
        warn(f"{name} not set: {e}")
        continue
    if value is NOVALUE:
        continue
    env[name] = stringify(value)
from_shell = sorted(n for n in declared if n in os.environ)
for name in from_shell:
    env[name] = os.environ[name]
if from_shell:
    warn("from this shell, as sam local does: " + ", ".join(from_shell))
# Credentials and region from the shell, as sam local passes them; .local/env wins.
for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    if name in os.environ:
        env[name] = os.environ[name]
env.update(local_env)

with open(out_path, "wb") as f:
    for item in [logical_id, prop("MemorySize", 128), prop("Timeout", 3)] + [f"{k}={v}" for k, v in env.items()]:
        f.write(item.encode() + b"\0")
PY
mapfile -d '' -t resolved <"$tmp/env"
logical_id=${resolved[0]} memory=${resolved[1]} timeout=${resolved[2]}
fenv=("${resolved[@]:3}")
names=()
for kv in "${fenv[@]}"; do names+=("${kv%%=*}"); done
echo "invoke: $logical_id (MemorySize $memory, Timeout $timeout) with ${names[*]:-no variables}" >&2

# 2. The bootstrap for this machine, with the production flags (Makefile).
echo "invoke: building build/$fn/$goarch/bootstrap" >&2
make -s -C "$root" "build/$fn/$goarch/bootstrap" >&2
bootstrap=$root/build/$fn/$goarch/bootstrap

# 3. The emulator, on free loopback ports.
read -r port api_port < <("$python" -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=en_US.UTF-8 TZ=:UTC LAMBDA_TASK_ROOT="$(dirname "$bootstrap")" \
  AWS_LAMBDA_FUNCTION_NAME="$logical_id" AWS_LAMBDA_FUNCTION_MEMORY_SIZE="$memory" AWS_LAMBDA_FUNCTION_TIMEOUT="$timeout" \
  "${fenv[@]}" \
  "$rie" --runtime-interface-emulator-address "127.0.0.1:$port" --runtime-api-address "127.0.0.1:$api_port" "$bootstrap" \
  >"$tmp/stdout" 2>"$tmp/stderr" &
rie_pid=$!
for _ in $(seq 500); do
  if ! kill -0 "$rie_pid" 2>/dev/null; then
    echo "invoke: the emulator exited:" >&2; cat "$tmp/stderr" >&2; exit 1
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.02
done

# 4. The event.
# In the background, so that a signal to this script is handled at once.
curl -sS -X POST -H 'Content-Type: application/json' --data-binary @"$event" \
  -o "$tmp/response" -w '%{http_code}' --max-time "$((timeout + 10))" \
  "http://127.0.0.1:$port/2015-03-31/functions/function/invocations" >"$tmp/code" &
curl_pid=$!
wait "$curl_pid" || true
curl_pid=
code=$(cat "$tmp/code")
[[ -n $code ]] || code=000
sleep 0.05 # the REPORT line is written before the answer; let it through the pipe

sed 's/^/  | /' "$tmp/stdout" >&2
if [[ ${RIE_LOG:-} == 1 ]]; then sed 's/^/  ! /' "$tmp/stderr" >&2; fi
init=$(sed -n 's/.*INIT REPORT(durationMs: \([0-9.]*\)).*/\1/p' "$tmp/stderr" | head -n1)
[[ -n $init ]] && echo "invoke: init phase ${init} ms (the emulator's INIT REPORT; the REPORT line's Init Duration times only the emulator's dispatch)" >&2

status=0
"$python" - "$tmp/response" "$code" <<'PY' || status=$?
import json, sys
path, code = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read() if code != "000" else b""
try:
    doc = json.loads(raw)
except ValueError:
    print(raw.decode(errors="replace"))
    doc = None
else:
    print(json.dumps(doc, indent=2))
failed = code != "200"
if isinstance(doc, dict) and ("errorType" in doc or "errorMessage" in doc) and set(doc) <= {"errorType", "errorMessage", "stackTrace", "requestId"}:
    failed = True
    print(f"invoke: function error {doc.get('errorType')}: {doc.get('errorMessage')}", file=sys.stderr)
elif isinstance(doc, dict) and isinstance(doc.get("body"), str) and doc["body"]:
    try:
        body = json.loads(doc["body"])
        print("invoke: body, decoded:\n" + json.dumps(body, indent=2), file=sys.stderr)
    except ValueError:
        pass
if code != "200":
    print(f"invoke: the emulator answered HTTP {code}", file=sys.stderr)
sys.exit(1 if failed else 0)
PY

# shq quotes a word for the shell, only when it needs it.
shq() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=@,+-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}
rel=${event#"$root"/}
sam_cmd="sam build $logical_id && sam local invoke $logical_id --event $(shq "$rel")"
if [[ ${#overrides[@]} -gt 0 ]]; then
  sam_cmd+=" --parameter-overrides"
  for o in "${overrides[@]}"; do
    k=${o%%=*} v=${o#*=}
    # sam's own syntax: a value with blanks, quotes or backslashes goes in double quotes.
    if [[ $v =~ [[:space:]\"\\] ]]; then v=${v//\\/\\\\}; v="\"${v//\"/\\\"}\""; fi
    sam_cmd+=" $(shq "$k=$v")"
  done
fi
cat >&2 <<EOF
invoke: the same with Docker, in SAM's container (sam passes only the template's variables,
        with AWS credentials and region; .local/env's endpoints do not reach the function):
  $sam_cmd
EOF
exit "$status"
