"""Reduce a CloudFormation template to what the stack means, for comparison.

`model(template, parameter_values)` evaluates the template the way CloudFormation
would for those parameter values (conditions, Fn::If, Ref, Fn::Sub, Fn::Join,
Fn::Split, Fn::Select, AWS::NoValue, pseudo parameters), drops resources whose
condition is false, names every resource by what it is rather than by its
logical ID (the health function is "function:health" whether SAM called it
HealthFunction or CDK HealthFunction19D7724A), and returns a plain dict of the
things both IaC forms must agree on: functions and their settings, routes,
schedule, alarms, IAM grants per function, invoke permissions, optional front
doors, SNS wiring and outputs.

Why not cloud-radar (PyPI) for the evaluation: docs/DEPLOY.md, "Checking the IaC locally".
"""

import json
import re

import yaml

# Pseudo parameters: fixed values, the same for both templates.
PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "parity",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/parity/0",
}

FUNCTION_TAG = "lambdahealth:function"


class _NoValue:
    def __repr__(self):
        return "AWS::NoValue"


NOVALUE = _NoValue()


# ---------------------------------------------------------------------------
# YAML with CloudFormation short forms
# ---------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    pass


def _construct_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Fn::" + suffix: value}


_Loader.add_multi_constructor("!", _construct_tag)
# Keep dates and times as the strings they are written as.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def load_yaml(path):
    """Loads a CloudFormation/SAM YAML template (short-form intrinsics included)."""
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)  # noqa: S506 (SafeLoader subclass)


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------
def _marker(logical_id, attr=None):
    return "\u00ab" + logical_id + ("." + attr if attr else "") + "\u00bb"


_MARKER = re.compile("\u00ab([A-Za-z0-9]+)(?:\\.([A-Za-z0-9.]+))?\u00bb")


class Evaluator:
    def __init__(self, template, parameter_values):
        self.t = template
        self.resources = template.get("Resources", {})
        self.params = dict(PSEUDO)
        for name, spec in template.get("Parameters", {}).items():
            raw = parameter_values.get(name, spec.get("Default"))
            if raw is None:
                raise ValueError("parameter %s has no value and no default" % name)
            raw = str(raw)
            # As CloudFormation does: a value outside AllowedValues fails the deploy.
            if "AllowedValues" in spec and raw not in [str(v) for v in spec["AllowedValues"]]:
                raise ValueError("parameter %s: %r %s" % (name, raw, spec.get("ConstraintDescription") or
                                                          "is not one of the AllowedValues"))
            if spec.get("Type") == "CommaDelimitedList":
                self.params[name] = [v.strip() for v in raw.split(",")]
            else:
                self.params[name] = raw
        unknown = set(parameter_values) - set(template.get("Parameters", {}))
        if unknown:
            raise ValueError("values for parameters the template does not have: %s" % sorted(unknown))
        self._conditions = {}

    def condition(self, name):
        if name not in self._conditions:
            self._conditions[name] = bool(self.value(self.t["Conditions"][name]))
        return self._conditions[name]

    def ref(self, name):
        if name == "AWS::NoValue":
            return NOVALUE
        if name in self.params:
            return self.params[name]
        if name in self.resources:
            return _marker(name)
        raise KeyError("Ref to unknown %s" % name)

    def sub(self, text, variables):
        def repl(m):
            expr = m.group(1)
            if expr.startswith("!"):
                return "${" + expr[1:] + "}"
            if expr in variables:
                v = variables[expr]
            elif "." in expr and expr.split(".", 1)[0] in self.resources:
                v = _marker(*expr.split(".", 1))
            else:
                v = self.ref(expr)
            if not isinstance(v, str):
                raise ValueError("Fn::Sub variable %s is not a string: %r" % (expr, v))
            return v

        return re.sub(r"\$\{([^}]+)\}", repl, text)

    def value(self, node):
        if isinstance(node, list):
            out = [self.value(v) for v in node]
            return [v for v in out if v is not NOVALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::GetAtt":
                logical, attr = arg if isinstance(arg, list) else arg.split(".", 1)
                return _marker(logical, attr)
            if key == "Fn::If":
                name, yes, no = arg
                return self.value(yes if self.condition(name) else no)
            if key == "Fn::Equals":
                a, b = (self.value(v) for v in arg)
                return a == b
            if key == "Fn::Not":
                return not self.value(arg[0])
            if key == "Fn::And":
                return all(self.value(v) for v in arg)
            if key == "Fn::Or":
                return any(self.value(v) for v in arg)
            if key == "Fn::Sub":
                if isinstance(arg, str):
                    return self.sub(arg, {})
                text, variables = arg
                return self.sub(text, {k: self.value(v) for k, v in variables.items()})
            if key == "Fn::Join":
                sep, items = arg
                items = self.value(items)
                return sep.join(items)
            if key == "Fn::Split":
                sep, text = arg
                return self.value(text).split(sep)
            if key == "Fn::Select":
                index, items = arg
                return self.value(items)[int(self.value(index))]
            if key.startswith("Fn::"):
                raise ValueError("unsupported intrinsic %s" % key)
        out = {}
        for k, v in node.items():
            v = self.value(v)
            if v is not NOVALUE:
                out[k] = v
        return out

    def evaluate(self):
        """Returns the resources and outputs that exist for these values, evaluated."""
        resources = {}
        for lid, res in self.resources.items():
            if "Condition" in res and not self.condition(res["Condition"]):
                continue
            resources[lid] = {
                "Type": res["Type"],
                "Properties": self.value(res.get("Properties", {})),
                "DependsOn": res.get("DependsOn"),
                "DeletionPolicy": res.get("DeletionPolicy"),
                "UpdateReplacePolicy": res.get("UpdateReplacePolicy"),
                "UpdatePolicy": self.value(res.get("UpdatePolicy", {})),
            }
        outputs = {}
        for key, out in self.t.get("Outputs", {}).items():
            if "Condition" in out and not self.condition(out["Condition"]):
                continue
            outputs[key] = self.value(out["Value"])
        return resources, outputs


# ---------------------------------------------------------------------------
# Semantic names
# ---------------------------------------------------------------------------
def _logical(marker_text):
    m = _MARKER.fullmatch(marker_text) if isinstance(marker_text, str) else None
    return m.group(1) if m else None


def _names(resources):
    """Maps each logical ID to a name that says what the resource is."""
    names = {}
    fn_of = {}
    for lid, r in resources.items():
        if r["Type"] == "AWS::Lambda::Function":
            tags = {t["Key"]: t["Value"] for t in r["Properties"].get("Tags", [])}
            if FUNCTION_TAG not in tags:
                raise AssertionError("function %s has no %s tag" % (lid, FUNCTION_TAG))
            names[lid] = "function:" + tags[FUNCTION_TAG]
            fn_of[lid] = tags[FUNCTION_TAG]
    for lid, r in resources.items():
        if r["Type"] != "AWS::Lambda::Function":
            continue
        p = r["Properties"]
        role = _logical(p.get("Role"))
        if role:
            names[role] = "role:" + fn_of[lid]
        group = _logical(p.get("LoggingConfig", {}).get("LogGroup"))
        if group:
            names[group] = "loggroup:" + fn_of[lid]
    # A function's published versions and aliases: "function:health@version",
    # "function:health@live".
    for lid, r in resources.items():
        if r["Type"] in ("AWS::Lambda::Version", "AWS::Lambda::Alias"):
            fn = fn_of.get(_logical(r["Properties"].get("FunctionName")), "?")
            names[lid] = "function:%s@%s" % (fn, r["Properties"]["Name"] if r["Type"] == "AWS::Lambda::Alias" else "version")
        elif r["Type"] == "AWS::IAM::Role" and lid not in names:
            trust = [s.get("Principal", {}).get("Service") for s in r["Properties"]["AssumeRolePolicyDocument"]["Statement"]]
            if trust in (["codedeploy.amazonaws.com"], [["codedeploy.amazonaws.com"]]):
                names[lid] = "role:codedeploy"
    singles = {
        "AWS::CodeDeploy::Application": "deployapp",
        "AWS::CodeDeploy::DeploymentGroup": "deploygroup",
        "AWS::ApiGatewayV2::Api": "httpapi",
        "AWS::ApiGateway::RestApi": "restapi",
        "AWS::SNS::Topic": "alarmtopic",
        "AWS::ElasticLoadBalancingV2::TargetGroup": "targetgroup",
        "AWS::Events::Rule": "schedule",
        "AWS::KMS::Key": "alarmtopickey",
        "AWS::ApplicationSignals::ServiceLevelObjective": "slo",
        "AWS::CloudWatch::CompositeAlarm": "compositealarm",
    }
    for lid, r in resources.items():
        if r["Type"] in singles:
            if any(v == singles[r["Type"]] for v in names.values()):
                raise AssertionError("more than one %s" % r["Type"])
            names[lid] = singles[r["Type"]]
        elif r["Type"] == "AWS::Lambda::Url":
            names[lid] = "functionurl:" + fn_of[_logical(r["Properties"]["TargetFunctionArn"])]
        elif r["Type"] in ("AWS::ApiGatewayV2::Stage", "AWS::ApiGateway::Stage"):
            # An API stage's access log group: "loggroup:httpapi-access", "loggroup:restapi-access".
            log = r["Properties"].get("AccessLogSettings") or r["Properties"].get("AccessLogSetting") or {}
            group = _logical(log.get("DestinationArn"))
            if group:
                names[group] = "loggroup:%s-access" % ("httpapi" if r["Type"] == "AWS::ApiGatewayV2::Stage" else "restapi")
    for lid, r in resources.items():
        if r["Type"] == "AWS::CloudWatch::Alarm":
            p = r["Properties"]
            dims = {d["Name"]: d["Value"] for d in p.get("Dimensions", [])}
            # A per-check alarm says its check ([check]), a burn-rate alarm its window.
            names[lid] = "alarm:%s/%s%s%s" % (p.get("Namespace"), p.get("MetricName"),
                                              "[" + dims["Check"] + "]" if "Check" in dims else "",
                                              "/%smin" % dims["BurnRateWindowMinutes"] if "BurnRateWindowMinutes" in dims else "")
    for lid in resources:
        names.setdefault(lid, "other:" + lid)
    return names


def _rename(node, names):
    if isinstance(node, str):
        return _MARKER.sub(lambda m: "<" + names.get(m.group(1), "?" + m.group(1)) +
                           ("." + m.group(2) if m.group(2) else "") + ">", node)
    if isinstance(node, list):
        return [_rename(v, names) for v in node]
    if isinstance(node, dict):
        return {k: _rename(v, names) for k, v in node.items()}
    return node


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------
def _as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _num(v):
    if isinstance(v, str) and re.fullmatch(r"-?\d+(\.\d+)?", v):
        v = float(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return v


def _deep_nums(node):
    """node with every number-like leaf as a number (SAM's Number parameters are text)."""
    if isinstance(node, dict):
        return {k: _deep_nums(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_deep_nums(v) for v in node]
    return _num(node)


def _nums(d):
    """d with numbers as numbers (a Ref to a Number parameter evaluates to its text)."""
    return {k: _num(v) for k, v in (d or {}).items()}


def _statements(doc):
    out = set()
    for s in _as_list(doc.get("Statement")):
        cond = json.dumps(s.get("Condition"), sort_keys=True) if s.get("Condition") else ""
        for action in _as_list(s.get("Action")):
            for resource in _as_list(s.get("Resource")):
                out.add("%s %s on %s%s" % (s.get("Effect"), action, resource, " when " + cond if cond else ""))
    return out


def _openapi_routes(props):
    """Yields (METHOD, path, integration) for each operation of an API's OpenAPI body
    (how SAM writes routes) that has an API Gateway integration."""
    for path, item in props.get("Body", {}).get("paths", {}).items():
        for method, op in item.items():
            integ = op.get("x-amazon-apigateway-integration") if isinstance(op, dict) else None
            if integ:
                yield ("ANY" if method == "x-amazon-apigateway-any-method" else method.upper()), path, integ


def _integration_target(uri):
    m = re.search(r"<(function:[a-z-]+(?:@[A-Za-z]+)?)(?:\.Arn)?>", uri or "")
    return m.group(1) if m else "?" + str(uri)


def _dashboard(props):
    """A dashboard's name and body (parsed); the alarm widget's list is a set."""
    body = json.loads(props["DashboardBody"])
    for w in body.get("widgets", []):
        if "alarms" in w.get("properties", {}):
            w["properties"]["alarms"] = sorted(w["properties"]["alarms"])
    return {"DashboardName": props.get("DashboardName"), "Body": body}


def _health_check(props):
    """A Route 53 health check's configuration, numbers as numbers."""
    cfg = dict(props.get("HealthCheckConfig", {}))
    for k, v in list(cfg.items()):
        if isinstance(v, dict):
            cfg[k] = {k2: _num(v2) for k2, v2 in v.items()}
        elif not isinstance(v, list):
            cfg[k] = _num(v)
    return {"HealthCheckConfig": cfg, "HealthCheckTags": props.get("HealthCheckTags")}


def model(template, parameter_values):
    """The semantic content of template for parameter_values (see the module doc)."""
    resources, outputs = Evaluator(template, parameter_values).evaluate()
    names = _names(resources)
    resources = {lid: _rename(r, names) for lid, r in resources.items()}
    outputs = _rename(outputs, names)
    by_type = {}
    for lid, r in resources.items():
        by_type.setdefault(r["Type"], []).append((lid, r))

    def of(type_):
        return by_type.get(type_, [])

    m = {"functions": {}, "outputs": outputs}

    # IAM: statements attached to each role, inline, through AWS::IAM::Policy, or through
    # a managed policy of the stack (its Roles, or its Ref in the role's ManagedPolicyArns).
    grants = {}
    managed = {}
    own = {"<%s>" % names[lid]: r["Properties"]["PolicyDocument"] for lid, r in of("AWS::IAM::ManagedPolicy")}
    for lid, r in of("AWS::IAM::Role"):
        p = r["Properties"]
        role = names[lid]
        grants.setdefault(role, set())
        for pol in p.get("Policies", []):
            grants[role] |= _statements(pol["PolicyDocument"])
        for arn in p.get("ManagedPolicyArns", []):
            if arn in own:
                grants[role] |= _statements(own[arn])
        managed[role] = sorted(a for a in p.get("ManagedPolicyArns", []) if a not in own)
        trust = sorted(s.get("Principal", {}).get("Service", "") for s in p["AssumeRolePolicyDocument"]["Statement"])
        managed[role + ":trust"] = trust
    for lid, r in of("AWS::IAM::Policy"):
        for role in r["Properties"].get("Roles", []):
            role = role.strip("<>")
            grants.setdefault(role, set()).update(_statements(r["Properties"]["PolicyDocument"]))
    for lid, r in of("AWS::IAM::ManagedPolicy"):
        for role in r["Properties"].get("Roles", []):
            grants.setdefault(role.strip("<>"), set()).update(_statements(r["Properties"]["PolicyDocument"]))

    groups = {names[lid]: r["Properties"] for lid, r in of("AWS::Logs::LogGroup")}
    invoke = {}
    for lid, r in of("AWS::Lambda::Permission"):
        p = r["Properties"]
        fn, _, qualifier = p["FunctionName"].strip("<>").replace(".Arn", "").partition("@")
        entry = {k: p[k] for k in ("Action", "Principal", "SourceAccount", "FunctionUrlAuthType", "InvokedViaFunctionUrl") if k in p}
        if qualifier:
            entry["Qualifier"] = qualifier
        if p.get("Principal") != "apigateway.amazonaws.com" and "SourceArn" in p:
            # API Gateway grants differ in shape (one per route or one per API); others must match.
            entry["SourceArn"] = p["SourceArn"]
        invoke.setdefault(fn, set()).add(json.dumps(entry, sort_keys=True))
    async_cfg = {}
    for lid, r in of("AWS::Lambda::EventInvokeConfig"):
        p = r["Properties"]
        fn = p["FunctionName"].strip("<>").replace(".Arn", "")
        # SAM writes an empty DestinationConfig; no destination either way.
        async_cfg[fn] = {k: _num(v) for k, v in p.items() if k != "FunctionName" and v != {}}

    for lid, r in of("AWS::Lambda::Function"):
        p = r["Properties"]
        name = names[lid]
        env = dict(p.get("Environment", {}).get("Variables", {}))
        if "HEALTH_CHECKS" in env:
            env["HEALTH_CHECKS"] = json.loads(env["HEALTH_CHECKS"])
        role = p["Role"].strip("<>").replace(".Arn", "")
        group = p.get("LoggingConfig", {}).get("LogGroup", "").strip("<>")
        vpc = p.get("VpcConfig")
        m["functions"][name] = {
            "Runtime": p.get("Runtime"),
            "Architectures": p.get("Architectures", ["x86_64"]),
            "Handler": p.get("Handler"),
            "MemorySize": _num(p.get("MemorySize", 128)),
            "Timeout": _num(p.get("Timeout", 3)),
            "Description": p.get("Description"),
            "Environment": env,
            "VpcConfig": {k: sorted(v) for k, v in vpc.items()} if vpc else None,
            "LoggingConfig": p.get("LoggingConfig"),
            "LogGroup": {k: _num(v) for k, v in groups.get(group, {}).items()},
            "Role": role,
            "RoleManagedPolicies": managed.get(role),
            "RoleTrust": managed.get(role + ":trust"),
            "Grants": sorted(grants.get(role, set())),
            "InvokePermissions": sorted(invoke.get(name, set())),
            "AsyncInvoke": async_cfg.get(name),
            "ReservedConcurrentExecutions": _num(p.get("ReservedConcurrentExecutions")),
        }

    # HTTP API routes: SAM writes them into the OpenAPI body, CDK as Route resources.
    http = []
    for lid, r in of("AWS::ApiGatewayV2::Api"):
        p = r["Properties"]
        routes = ["%s %s -> %s (payload %s)" % (method, path, _integration_target(integ.get("uri")),
                                                  integ.get("payloadFormatVersion"))
                  for method, path, integ in _openapi_routes(p)]
        integrations = {lid2: r2["Properties"] for lid2, r2 in of("AWS::ApiGatewayV2::Integration")}
        for lid2, r2 in of("AWS::ApiGatewayV2::Route"):
            rp = r2["Properties"]
            target = re.fullmatch(r"integrations/<other:([A-Za-z0-9]+)>", rp.get("Target", ""))
            integ = integrations.get(target.group(1), {}) if target else {}
            routes.append("%s -> %s (payload %s)" % (rp["RouteKey"], _integration_target(integ.get("IntegrationUri")),
                                                     integ.get("PayloadFormatVersion")))
        stages = sorted(json.dumps({"StageName": s["Properties"]["StageName"], "AutoDeploy": s["Properties"].get("AutoDeploy"),
                                    "AccessLogSettings": s["Properties"].get("AccessLogSettings"),
                                    "DefaultRouteSettings": _nums(s["Properties"].get("DefaultRouteSettings"))}, sort_keys=True)
                        for _, s in of("AWS::ApiGatewayV2::Stage"))
        http.append({"Name": names[lid], "ProtocolType": p.get("ProtocolType", "HTTP" if "Body" in p else None),
                     "Routes": sorted(routes), "Stages": stages})
    m["http_apis"] = http

    rest = []
    for lid, r in of("AWS::ApiGateway::RestApi"):
        p = r["Properties"]
        routes = ["%s %s -> %s (%s)" % (method, path, _integration_target(integ.get("uri")), integ.get("type"))
                  for method, path, integ in _openapi_routes(p)]
        rest.append({
            "Name": names[lid],
            "Routes": sorted(routes),
            "EndpointTypes": sorted(p.get("EndpointConfiguration", {}).get("Types", [])),
            "Stages": sorted(json.dumps({"StageName": s["Properties"]["StageName"],
                                         "AccessLogSetting": s["Properties"].get("AccessLogSetting"),
                                         "MethodSettings": [_nums(ms) for ms in s["Properties"].get("MethodSettings", [])]},
                                        sort_keys=True)
                             for _, s in of("AWS::ApiGateway::Stage")),
        })
    m["rest_apis"] = rest

    m["function_urls"] = sorted("%s%s %s" % (names[lid], "@" + r["Properties"]["Qualifier"] if "Qualifier" in r["Properties"] else "",
                                             r["Properties"]["AuthType"]) for lid, r in of("AWS::Lambda::Url"))

    # CodeDeploy: each alias it shifts, how, with which hooks and rollback alarms.
    groups = {names[lid]: r["Properties"] for lid, r in of("AWS::CodeDeploy::DeploymentGroup")}
    deployments = []
    for lid, r in of("AWS::Lambda::Alias"):
        update = (r.get("UpdatePolicy") or {}).get("CodeDeployLambdaAliasUpdate")
        if not update:
            continue
        g = groups.get(update["DeploymentGroupName"].strip("<>"), {})
        alarms = g.get("AlarmConfiguration") or {}
        deployments.append({
            "Alias": names[lid],
            "Version": r["Properties"].get("FunctionVersion"),
            "Application": update["ApplicationName"],
            "Hooks": {k: update.get(k) for k in ("BeforeAllowTrafficHook", "AfterAllowTrafficHook")},
            "DeploymentConfigName": g.get("DeploymentConfigName"),
            "Alarms": [a["Name"] for a in alarms.get("Alarms", [])] if alarms.get("Enabled") else [],
            "AutoRollback": sorted((g.get("AutoRollbackConfiguration") or {}).get("Events", [])),
            "DeploymentStyle": g.get("DeploymentStyle"),
            "ServiceRole": g.get("ServiceRoleArn"),
        })
    m["deployments"] = deployments
    m["codedeploy_role"] = {"Grants": sorted(grants.get("role:codedeploy", set())),
                            "ManagedPolicies": managed.get("role:codedeploy")}

    m["target_groups"] = sorted((json.dumps({k: _num(v) if not isinstance(v, (dict, list)) else v
                                             for k, v in r["Properties"].items()}, sort_keys=True)
                                 for _, r in of("AWS::ElasticLoadBalancingV2::TargetGroup")))
    m["target_group_depends_on_invoke_permission"] = sorted(
        all(resources[d]["Type"] == "AWS::Lambda::Permission" for d in _as_list(r["DependsOn"])) and bool(r["DependsOn"])
        for _, r in of("AWS::ElasticLoadBalancingV2::TargetGroup"))
    m["listener_rules"] = sorted(json.dumps({k: _num(v) for k, v in r["Properties"].items()}, sort_keys=True)
                                 for _, r in of("AWS::ElasticLoadBalancingV2::ListenerRule"))

    m["schedules"] = sorted(json.dumps({
        "ScheduleExpression": r["Properties"].get("ScheduleExpression"),
        "State": r["Properties"].get("State", "ENABLED"),
        "Targets": sorted(t["Arn"] for t in r["Properties"].get("Targets", [])),
    }, sort_keys=True) for _, r in of("AWS::Events::Rule"))

    alarms = []
    for lid, r in of("AWS::CloudWatch::Alarm"):
        p = r["Properties"]
        alarms.append({
            "Namespace": p.get("Namespace"),
            "MetricName": p.get("MetricName"),
            "Dimensions": sorted("%s=%s" % (d["Name"], d["Value"]) for d in p.get("Dimensions", [])),
            "Statistic": p.get("Statistic"),
            "Period": _num(p.get("Period")),
            "EvaluationPeriods": _num(p.get("EvaluationPeriods")),
            "DatapointsToAlarm": _num(p.get("DatapointsToAlarm")),
            "Threshold": _num(p.get("Threshold")),
            "ComparisonOperator": p.get("ComparisonOperator"),
            "TreatMissingData": p.get("TreatMissingData"),
            "AlarmActions": sorted(p.get("AlarmActions", [])),
            "OKActions": sorted(p.get("OKActions", [])),
        })
    m["alarms"] = sorted(alarms, key=lambda a: json.dumps(a, sort_keys=True))

    # Composite alarms: the rule as the set of terms it ORs, each an alarm or
    # "a AND b" for a parenthesized conjunction (both forms write
    # ALARM("<name>") OR ... OR (ALARM("<a>") AND ALARM("<b>"))), numbers as
    # numbers.
    alarm_term = r'ALARM\("(<[^"]*>)"\)'
    composites = []
    for lid, r in of("AWS::CloudWatch::CompositeAlarm"):
        p = dict(r["Properties"])
        p.pop("AlarmDescription", None)
        rule = p.pop("AlarmRule")
        terms = []
        for t in re.split(r" OR (?![^(]*\))", rule):
            single = re.fullmatch(alarm_term, t)
            conj = re.fullmatch(r"\((%s(?: AND %s)+)\)" % (alarm_term.replace("(<", "(?:<"), alarm_term.replace("(<", "(?:<")), t)
            if single:
                terms.append(single.group(1))
            elif conj:
                terms.append(" AND ".join(sorted(re.findall(alarm_term, conj.group(1)))))
            else:
                raise AssertionError("composite alarm %s: rule %r is not ALARM(...) OR (ALARM(...) AND ...)" % (lid, rule))
        p["AlarmRule"] = sorted(terms)
        composites.append(_deep_nums(p))
    m["composite_alarms"] = sorted(composites, key=lambda a: json.dumps(a, sort_keys=True))
    # Service level objectives, every property, numbers as numbers.
    m["slos"] = sorted((_deep_nums({k: v for k, v in r["Properties"].items() if k != "Description"})
                        for _, r in of("AWS::ApplicationSignals::ServiceLevelObjective")),
                       key=lambda x: json.dumps(x, sort_keys=True))

    m["kms_keys"] = sorted(json.dumps({k: _num(v) for k, v in r["Properties"].items()}, sort_keys=True)
                           for _, r in of("AWS::KMS::Key"))
    m["kms_key_deletion"] = sorted("%s/%s" % (r.get("DeletionPolicy"), r.get("UpdateReplacePolicy")) for _, r in of("AWS::KMS::Key"))
    # Every log group, by what it logs (functions' and API stages' access logs).
    m["log_groups"] = {names[lid]: {k: _num(v) for k, v in r["Properties"].items()} for lid, r in of("AWS::Logs::LogGroup")}
    m["sns_topics"] = sorted(json.dumps(r["Properties"], sort_keys=True) for _, r in of("AWS::SNS::Topic"))
    m["sns_subscriptions"] = sorted(json.dumps(r["Properties"], sort_keys=True) for _, r in of("AWS::SNS::Subscription"))

    m["dashboards"] = [_dashboard(r["Properties"]) for _, r in of("AWS::CloudWatch::Dashboard")]
    m["route53_health_checks"] = sorted(json.dumps(_health_check(r["Properties"]), sort_keys=True)
                                        for _, r in of("AWS::Route53::HealthCheck"))

    # Every resource type either form creates, with how many: catches a resource
    # that only one side has. Types whose shape differs by design are left out.
    differ = {"AWS::Lambda::Permission", "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration",
              "AWS::ApiGateway::Deployment", "AWS::IAM::Policy"}
    counts = {}
    for _, r in resources.items():
        if r["Type"] not in differ:
            counts[r["Type"]] = counts.get(r["Type"], 0) + 1
    m["resource_counts"] = dict(sorted(counts.items()))
    return m
