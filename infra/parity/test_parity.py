"""SAM and CDK describe the same stack.

For each configuration, infra/testdata/parity-*.json and the parameter_overrides
of every samconfig.toml profile (template.yaml parameter values; the CDK app
takes the same names as context and turns them into HealthStackProps, and
infra/healthstack's Go tests check that the parity-*.json files give the very
props its own assertions use):

  * template.yaml goes through the SAM translator
    (samtranslator.translator.transform.transform, with a fake managed-policy
    loader) with those parameter values;
  * the CDK app (infra/) synthesizes its template with the same values as context;
  * both are reduced by cfn.model() to their semantic content and compared:
    any difference fails the test with a unified diff of the two models.

Run: .venv/bin/python -m unittest discover -s infra/parity -v
(plain unittest: the test venv pins no pytest; pytest runs it as well).
Needs Go and Node.js (the CDK app runs on jsii), not the CDK CLI, not AWS.
"""

import copy
import difflib
import glob
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The translator reads the region from a boto3 session (no AWS call is made);
# pin it so that the result does not depend on the caller's environment.
os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = "us-east-1"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
# The translator logs its feature toggles and metrics at WARNING; they say nothing here.
logging.getLogger("samtranslator").setLevel(logging.ERROR)

import cfn  # noqa: E402

from samtranslator.translator.transform import transform  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
INFRA = os.path.join(ROOT, "infra")
CONFIGS = sorted(glob.glob(os.path.join(INFRA, "testdata", "parity-*.json")))


def samconfig_profiles():
    """The parameter_overrides of each samconfig.toml profile, as template parameter values."""
    with open(os.path.join(ROOT, "samconfig.toml"), "rb") as f:
        config = tomllib.load(f)
    profiles = {}
    for env, commands in config.items():
        if not isinstance(commands, dict):
            continue
        overrides = commands.get("deploy", {}).get("parameters", {}).get("parameter_overrides")
        if overrides is None:
            continue
        if not isinstance(overrides, dict):
            raise AssertionError("samconfig.toml [%s.deploy.parameters] parameter_overrides: use a table" % env)

        def text(v):
            if isinstance(v, list):
                return ",".join(str(x) for x in v)
            if isinstance(v, bool):
                return "true" if v else "false"
            return str(v)

        profiles[env] = {k: text(v) for k, v in overrides.items()}
    return profiles


class FakeManagedPolicyLoader:
    """Stands in for the IAM ListPolicies call: the template names no managed policy by name."""

    def load(self):
        return {}


def sam_template(params):
    """template.yaml transformed to plain CloudFormation for params."""
    template = cfn.load_yaml(os.path.join(ROOT, "template.yaml"))
    template = copy.deepcopy(template)
    # The translator wants packaged code; where it lives does not matter here.
    for res in template["Resources"].values():
        if res["Type"] == "AWS::Serverless::Function":
            res["Properties"]["CodeUri"] = "s3://parity-artifacts/code.zip"
    values = dict(params)
    values.update({k: v for k, v in cfn.PSEUDO.items()})
    return transform(template, values, FakeManagedPolicyLoader())


class CDKApp:
    """The infra/ app, built once, synthesized per configuration."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="parity-")
        self.binary = os.path.join(self.dir, "infra-app")
        subprocess.run(["go", "build", "-o", self.binary, "."], cwd=INFRA, check=True)
        # Stub bootstraps: code is not compared, and `make build` need not run first.
        self.assets = os.path.join(self.dir, "assets")
        for fn in ("health", "canary", "gate"):
            os.makedirs(os.path.join(self.assets, fn, "arm64"))
            with open(os.path.join(self.assets, fn, "arm64", "bootstrap"), "w") as f:
                f.write("#!/bin/sh\n")
        with open(os.path.join(INFRA, "cdk.json"), encoding="utf-8") as f:
            self.context = json.load(f).get("context", {})

    def synth(self, name, params):
        out = os.path.join(self.dir, name)
        context = dict(self.context)
        context.update(params)
        context["AssetDir"] = self.assets
        env = dict(os.environ, CDK_OUTDIR=out, CDK_CONTEXT_JSON=json.dumps(context),
                   JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")
        subprocess.run([self.binary], cwd=INFRA, env=env, check=True)
        with open(os.path.join(out, "LambdaHealth.template.json"), encoding="utf-8") as f:
            return json.load(f)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# The CDK form alarms on each critical check by itself (CheckAlarm<N>, from the typed
# checks' critical flag); template.yaml has no such alarms, since CloudFormation cannot
# loop over ChecksJson and a second hand-kept list of names is what issue 21 removed
# (docs/DEPLOY.md, "Alarms": SAM's SuccessAlarm fires on the same runs). So these
# alarms, and exactly what refers to them, are CDK-only by design: the comparison
# leaves them out, and test_per_check_alarms_are_cdk_only checks what was left out.
CHECK_ALARM = re.compile(r"<alarm:[^<>\[\]]*\[([^<>\]]*)\](?:\.Arn)?>")


def without_check_alarms(model):
    """(model without the per-check alarms and their references, the checks they alarm on).

    Narrow on purpose: only alarms with a Check dimension go, and of what refers to them
    only their outputs (CheckAlarm<N>Name), their names in the AfterAllowTraffic gate's
    GATE_ALARMS, its cloudwatch:DescribeAlarms grants on them, and their entries in the
    dashboard's alarm widget. Anything else that names one stays, and fails the comparison."""
    m = copy.deepcopy(model)
    checks = sorted(d.split("=", 1)[1] for a in m["alarms"] for d in a["Dimensions"] if d.startswith("Check="))
    m["alarms"] = [a for a in m["alarms"] if not any(d.startswith("Check=") for d in a["Dimensions"])]
    if checks:
        m["resource_counts"]["AWS::CloudWatch::Alarm"] -= len(checks)
    m["outputs"] = {k: v for k, v in m["outputs"].items()
                    if not (re.fullmatch(r"CheckAlarm\d+Name", k) and CHECK_ALARM.fullmatch(str(v)))}
    gate = m["functions"].get("function:gate-posttraffic")
    if gate:
        env = gate["Environment"]
        if "GATE_ALARMS" in env:
            env["GATE_ALARMS"] = ",".join(a for a in env["GATE_ALARMS"].split(",") if not CHECK_ALARM.fullmatch(a))
        gate["Grants"] = [g for g in gate["Grants"]
                          if not (g.startswith("Allow cloudwatch:DescribeAlarms on ") and CHECK_ALARM.fullmatch(g.rsplit(" ", 1)[1]))]
    for c in m.get("composite_alarms", []):
        c["AlarmRule"] = [a for a in c["AlarmRule"] if not CHECK_ALARM.fullmatch(a)]
    for d in m["dashboards"]:
        for w in d["Body"].get("widgets", []):
            if "alarms" in w.get("properties", {}):
                w["properties"]["alarms"] = [a for a in w["properties"]["alarms"] if not CHECK_ALARM.fullmatch(a)]
    return m, checks


def dump(model):
    return json.dumps(model, indent=1, sort_keys=True, default=sorted).splitlines()


class ParityTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        if not CONFIGS:
            raise AssertionError("no infra/testdata/parity-*.json")
        cls.app = CDKApp()

        cls.models = {}
        cls.cdk_full = {}

    @classmethod
    def tearDownClass(cls):
        cls.app.close()

    def models_for(self, path, params=None):
        """The SAM and CDK models of one configuration, computed once."""
        if path not in self.models:
            if params is None:
                with open(path, encoding="utf-8") as f:
                    params = json.load(f)
            name = os.path.basename(path).replace("parity-", "").replace(".json", "")
            sam = cfn.model(sam_template(params), params)
            full = cfn.model(self.app.synth(name, params), {})
            cdk, _ = without_check_alarms(full)
            self.models[path] = (sam, cdk)
            self.cdk_full[path] = full
        return self.models[path]

    def compare(self, path, params=None):
        sam, cdk = self.models_for(path, params)
        if sam != cdk:
            diff = "\n".join(difflib.unified_diff(dump(sam), dump(cdk), "template.yaml (SAM)", "infra (CDK)", lineterm="", n=4))
            self.fail("SAM and CDK differ for %s:\n%s" % (os.path.relpath(path, ROOT), diff))
        return sam

    def test_configurations(self):
        for path in CONFIGS:
            with self.subTest(config=os.path.basename(path)):
                self.compare(path)

    def test_samconfig_profiles(self):
        profiles = samconfig_profiles()
        self.assertIn("prod", profiles)
        for env, params in sorted(profiles.items()):
            with self.subTest(profile=env):
                self.compare(os.path.join(ROOT, "samconfig.toml#" + env), params)

    def test_full_configuration_covers_everything(self):
        """The full configuration switches every optional part on, so parity covers it."""
        m = self.compare(os.path.join(INFRA, "testdata", "parity-full.json"))
        counts = m["resource_counts"]
        for t in ("AWS::Lambda::Url", "AWS::ApiGateway::RestApi", "AWS::ElasticLoadBalancingV2::TargetGroup",
                  "AWS::ElasticLoadBalancingV2::ListenerRule", "AWS::SNS::Topic", "AWS::SNS::Subscription"):
            self.assertIn(t, counts)
        # overall, canary errors, InMaintenance, the SLO's two burn rates (CDK: and 4 critical checks)
        self.assertEqual(counts["AWS::CloudWatch::Alarm"], 5)
        self.assertEqual(self.cdk_full[os.path.join(INFRA, "testdata", "parity-full.json")]["resource_counts"]["AWS::CloudWatch::Alarm"], 9)
        self.assertEqual(counts["AWS::CloudWatch::CompositeAlarm"], 1)
        self.assertEqual(counts["AWS::ApplicationSignals::ServiceLevelObjective"], 1)
        self.assertEqual(m["function_urls"], ["functionurl:health@live NONE"])
        # Every method on every path reaches the function, which answers 404 and 405 itself
        # (exact routes would leave those to API Gateway: 404 Not Found, 403 Missing Authentication Token).
        self.assertEqual(m["http_apis"][0]["Routes"], [
            "ANY / -> function:health@live (payload 2.0)",
            "ANY /{proxy+} -> function:health@live (payload 2.0)",
        ])
        self.assertEqual(m["rest_apis"][0]["Routes"], [
            "ANY / -> function:health@live (aws_proxy)",
            "ANY /{proxy+} -> function:health@live (aws_proxy)",
        ])
        health = m["functions"]["function:health"]["Grants"]
        canary = m["functions"]["function:canary"]["Grants"]
        # The drain parameter: readiness reads "drain", the canary "maintenance"; the token
        # secret is the health function's alone.
        self.assertEqual([g for g in health if "ssm:GetParameter" in g], [g for g in canary if "ssm:GetParameter" in g])
        self.assertEqual(len([g for g in canary if "ssm:GetParameter" in g]), 1)
        self.assertFalse(any("health-token" in g for g in canary))
        self.assertTrue(any("cloudwatch:PutMetricData" in g for g in canary))
        self.assertFalse(any("cloudwatch:PutMetricData" in g for g in health))
        self.assertIn("Allow cloudwatch:GetMetricData on *", health)
        self.assertFalse(any("cloudwatch:GetMetricData" in g for g in canary))

    def test_deployment_gate(self):
        """CodeDeploy shifts the alias every front door invokes, with the gates as hooks and
        the service's alarm as rollback alarm; each gate holds only the grants it needs."""
        for name, path, params in self.all_configurations():
            with self.subTest(config=name):
                m = self.compare(path, params)
                (d,) = m["deployments"]
                self.assertEqual(d["Alias"], "function:health@live")
                self.assertEqual(d["Hooks"], {"BeforeAllowTrafficHook": "<function:gate-pretraffic>",
                                              "AfterAllowTrafficHook": "<function:gate-posttraffic>"})
                self.assertEqual(d["DeploymentConfigName"], "CodeDeployDefault.Lambda" + (params.get("DeploymentType") or "AllAtOnce"))
                self.assertEqual(len(d["Alarms"]), 1)
                self.assertIn("DEPLOYMENT_STOP_ON_ALARM", d["AutoRollback"])
                group = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:<deployapp>/<deploygroup>"
                for fn, extra in (("function:gate-pretraffic", 0), ("function:gate-posttraffic", 1)):
                    grants = [g for g in m["functions"][fn]["Grants"] if " logs:" not in g]
                    self.assertEqual([g for g in grants if "cloudwatch:" not in g], [
                        "Allow codedeploy:GetDeployment on " + group,
                        "Allow codedeploy:PutLifecycleEventHookExecutionStatus on " + group,
                        "Allow lambda:InvokeFunction on <function:health.Arn>:*",
                    ])
                    describe = [g for g in grants if "cloudwatch:" in g]
                    self.assertEqual(len(describe), extra * len([a for a in m["alarms"] if a["MetricName"] == "Success"]))
                    self.assertTrue(all(g.startswith("Allow cloudwatch:DescribeAlarms on <alarm:") for g in describe))
                self.assertEqual(m["codedeploy_role"]["Grants"], sorted(
                    "Allow lambda:InvokeFunction on <function:%s.Arn>%s" % (fn, suffix)
                    for fn in ("gate-pretraffic", "gate-posttraffic") for suffix in ("", ":*")))
                # Nothing invokes the unqualified function ($LATEST) but the gates' qualified calls.
                routes = [r for api in m["http_apis"] + m["rest_apis"] for r in api["Routes"]]
                self.assertTrue(routes and all("function:health@live" in r for r in routes), routes)
                self.assertTrue(all('"Qualifier": "live"' in p for p in m["functions"]["function:health"]["InvokePermissions"]))

    def test_minimal_configuration_has_no_optional_grant(self):
        m = self.compare(os.path.join(INFRA, "testdata", "parity-minimal.json"))
        # Its own log group only, and the status page's history (GetMetricData, which takes
        # no resource but "*"); the canary also PutMetricData, bound to the namespace.
        want = {
            "function:health": ["Allow cloudwatch:GetMetricData on *"],
            "function:canary": ['Allow cloudwatch:PutMetricData on * when {"StringEquals": {"cloudwatch:namespace": "ServiceHealth"}}'],
        }
        for fn, extra in want.items():
            grants = [g for g in m["functions"][fn]["Grants"] if " logs:" not in g]
            self.assertEqual(grants, extra)
            self.assertIsNone(m["functions"][fn]["VpcConfig"])
            self.assertIsNone(m["functions"][fn]["RoleManagedPolicies"] or None)
        self.assertEqual(m["rest_apis"], [])
        self.assertEqual(m["function_urls"], [])
        self.assertEqual(m["target_groups"], [])
        self.assertEqual(len(m["alarms"]), 5)  # overall Success, canary Errors, InMaintenance, 2 burn rates
        self.assertTrue(all(not a["AlarmActions"] for a in m["alarms"]))
        self.assertEqual(m["composite_alarms"], [])  # no topic: nothing to notify

    def test_maintenance_and_slo(self):
        """Both functions get the windows and the drain parameter (the canary with ssm:GetParameter
        on it alone); only the composite alarm notifies, suppressed by InMaintenance; the SLO's
        indicator counts maintenance as good and a missing run as bad."""
        m = self.compare(os.path.join(INFRA, "testdata", "parity-full.json"))
        with open(os.path.join(INFRA, "testdata", "parity-full.json"), encoding="utf-8") as f:
            params = json.load(f)
        drain = "Allow ssm:GetParameter on arn:aws:ssm:us-east-1:123456789012:parameter/orders/prod/drain"
        for fn in ("function:health", "function:canary"):
            env = m["functions"][fn]["Environment"]
            self.assertEqual(env["HEALTH_MAINTENANCE"], params["MaintenanceWindows"])
            self.assertEqual(env["HEALTH_DRAIN_PARAMETER"], params["DrainParameterName"])
            self.assertIn(drain, m["functions"][fn]["Grants"])
        self.assertTrue(all(not a["AlarmActions"] and not a["OKActions"] for a in m["alarms"]))
        [composite] = m["composite_alarms"]
        self.assertEqual(composite["ActionsSuppressor"], "<alarm:Orders/Health/InMaintenance>")
        self.assertEqual(composite["AlarmRule"], sorted([
            "<alarm:AWS/Lambda/Errors>", "<alarm:Orders/Health/Success>",
            "<alarm:AWS/ApplicationSignals/BurnRate/360min> AND <alarm:AWS/ApplicationSignals/BurnRate/60min>"]))
        # rate(2 minutes): wait two runs, stay quiet five after the window.
        self.assertEqual((composite["ActionsSuppressorWaitPeriod"], composite["ActionsSuppressorExtensionPeriod"]), (240, 600))
        self.assertEqual(composite["AlarmActions"], ["<alarmtopic>"])
        [slo] = m["slos"]
        self.assertEqual(slo["Goal"], {"AttainmentGoal": 99.5, "Interval": {"RollingInterval": {"Duration": 28, "DurationUnit": "DAY"}}})
        queries = slo["Sli"]["SliMetric"]["MetricDataQueries"]
        self.assertEqual([q.get("Expression") for q in queries if q.get("ReturnData")], ["MAX([FILL(success, 0), FILL(maintenance, 0)])"])
        self.assertEqual(slo["Sli"]["SliMetric"]["PeriodSeconds"], 120)

    def all_configurations(self):
        """(name, path, parameter values) of every configuration the parity test compares."""
        out = []
        for path in CONFIGS:
            with open(path, encoding="utf-8") as f:
                out.append((os.path.basename(path), path, json.load(f)))
        for env, params in sorted(samconfig_profiles().items()):
            out.append(("samconfig.toml#" + env, os.path.join(ROOT, "samconfig.toml#" + env), params))
        return out

    def test_per_check_alarms_are_cdk_only(self):
        """CDK alarms on every critical check of ChecksJson (critical unless "critical": false),
        lists each in the gate's GATE_ALARMS, its DescribeAlarms grant and the dashboard;
        template.yaml has no per-check alarm (its SuccessAlarm fires on the same runs) and
        no CriticalCheck parameter. Leaving the CDK-only parts out leaves nothing else out."""
        params = cfn.load_yaml(os.path.join(ROOT, "template.yaml"))["Parameters"]
        self.assertEqual([p for p in params if p.startswith("CriticalCheck")], [])
        for name, path, params in self.all_configurations():
            with self.subTest(config=name):
                checks = json.loads(params.get("ChecksJson") or "[]")
                critical = sorted(c["name"] for c in checks if c.get("critical", True) is not False)
                sam, _ = self.models_for(path, params)
                self.assertEqual(without_check_alarms(sam), (sam, []))
                full = self.cdk_full[path]
                _, alarmed = without_check_alarms(full)
                self.assertEqual(alarmed, critical)
                gate = full["functions"]["function:gate-posttraffic"]
                named = lambda items: sorted(CHECK_ALARM.fullmatch(i).group(1) for i in items if CHECK_ALARM.fullmatch(i))
                self.assertEqual(named(gate["Environment"]["GATE_ALARMS"].split(",")), critical)
                self.assertEqual(named(g.rsplit(" ", 1)[1] for g in gate["Grants"] if "cloudwatch:DescribeAlarms" in g), critical)
                self.assertEqual(named(k for k in full["outputs"].values() if isinstance(k, str)), critical)
                listed = [a for w in full["dashboards"][0]["Body"]["widgets"] for a in w["properties"].get("alarms", [])]
                self.assertEqual(named(listed), critical)
                # The rollback alarm is the service's in both: no per-check alarm there.
                self.assertEqual(full["deployments"][0]["Alarms"], sam["deployments"][0]["Alarms"])

    def test_dashboard_lists_every_alarm(self):
        """One dashboard per stack, whose alarm widget lists every alarm of the stack
        (in CDK, the per-check alarms as well)."""
        for name, path, params in self.all_configurations():
            with self.subTest(config=name):
                sam, _ = self.models_for(path, params)
                for m in (sam, self.cdk_full[path]):
                    self.assertEqual(len(m["dashboards"]), 1)
                    listed = [a for w in m["dashboards"][0]["Body"]["widgets"] for a in w["properties"].get("alarms", [])]
                    self.assertEqual(len(set(listed)), len(listed))
                    self.assertEqual(len(listed), len(m["alarms"]))
                    self.assertTrue(all(a.startswith("<alarm:") and a.endswith(".Arn>") for a in listed), listed)

    def test_route53_health_checks(self):
        """Route53HealthCheck https and alarm each give the health check they should; none gives none."""
        want = {
            "parity-route53-https.json": {
                "Type": "HTTPS", "FullyQualifiedDomainName": "<httpapi>.execute-api.us-east-1.amazonaws.com",
                "Port": 443, "ResourcePath": "/health/ready", "RequestInterval": 10, "FailureThreshold": 2, "EnableSNI": True,
            },
            "parity-route53-alarm.json": {
                "Type": "CLOUDWATCH_METRIC", "InsufficientDataHealthStatus": "LastKnownStatus",
                "AlarmIdentifier": {"Name": "<alarm:ServiceHealth/Success>", "Region": "us-east-1"},
            },
        }
        for name, path, params in self.all_configurations():
            with self.subTest(config=name):
                sam = self.compare(path, params)
                checks = [json.loads(c) for c in sam["route53_health_checks"]]
                if name not in want:
                    self.assertEqual(checks, [])
                    continue
                self.assertEqual([c["HealthCheckConfig"] for c in checks], [want[name]])
                self.assertIn("HealthCheckId", sam["outputs"])

    def test_alarm_periods_follow_schedule(self):
        """Every alarm's period is at least the canary's interval, so that the missing data
        between two runs never counts as breaching: for every schedule template.yaml allows
        (SAM), and with rate(5 minutes) in both forms (parity included)."""
        with open(os.path.join(INFRA, "testdata", "parity-full.json"), encoding="utf-8") as f:
            base = json.load(f)
        allowed = cfn.load_yaml(os.path.join(ROOT, "template.yaml"))["Parameters"]["CanarySchedule"]["AllowedValues"]
        self.assertIn("rate(5 minutes)", allowed)
        units = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600}
        for schedule in allowed:
            with self.subTest(schedule=schedule):
                n, unit = schedule[len("rate("):-1].split(" ")
                interval = int(n) * units[unit]
                params = dict(base, CanarySchedule=schedule)
                alarms = cfn.model(sam_template(params), params)["alarms"]
                # Success, canary errors, InMaintenance, and the SLO's burn rates when
                # an SLO period (at most 15 minutes) can hold one run.
                self.assertEqual(len(alarms), 5 if interval <= 900 else 3)
                for a in alarms:
                    self.assertGreaterEqual(a["Period"], interval, a)
                    if a["MetricName"] == "Success":
                        # One run per period: "3 of 5" is 3 of the last 5 runs.
                        self.assertEqual((a["Period"], a["EvaluationPeriods"], a["DatapointsToAlarm"]), (interval, 5, 3), a)
        # A schedule the alarms cannot follow is refused, saying what to use.
        for schedule in ("cron(0/5 * * * ? *)", "rate(3 minutes)"):
            params = dict(base, CanarySchedule=schedule)
            with self.assertRaisesRegex(ValueError, r"CanarySchedule: .* must be one of rate\(1 minute\)"):
                cfn.model(sam_template(params), params)
        params = dict(base, CanarySchedule="rate(5 minutes)")
        sam = self.compare(os.path.join(INFRA, "testdata", "parity-full.json#every-5-minutes"), params)
        cdk = self.cdk_full[os.path.join(INFRA, "testdata", "parity-full.json#every-5-minutes")]
        self.assertEqual(len(cdk["alarms"]), 9)  # the per-check alarms as well
        for a in sam["alarms"] + cdk["alarms"]:
            self.assertGreaterEqual(a["Period"], 300, a)

    def test_secure_by_default(self):
        """Reserved concurrency, stage throttling and access logs by default; 0 reserves none;
        the alarm topic is encrypted with a key whose policy lets CloudWatch alarms publish."""
        want = {
            "parity-minimal.json": ({"function:health": 100, "function:canary": 2,
                                     "function:gate-pretraffic": 2, "function:gate-posttraffic": 2}, 50, 100),
            "parity-limits.json": ({"function:health": None, "function:canary": None,
                                    "function:gate-pretraffic": None, "function:gate-posttraffic": None}, 12.5, 25),
        }
        for name, (reserved, rate, burst) in want.items():
            with self.subTest(config=name):
                m = self.compare(os.path.join(INFRA, "testdata", name))
                self.assertEqual({fn: f["ReservedConcurrentExecutions"] for fn, f in m["functions"].items()}, reserved)
                stages = [json.loads(s) for api in m["http_apis"] + m["rest_apis"] for s in api["Stages"]]
                self.assertEqual(len(stages), 2 if m["rest_apis"] else 1)
                for stage in stages:
                    throttle = stage.get("DefaultRouteSettings") or stage["MethodSettings"][0]
                    self.assertEqual((throttle["ThrottlingRateLimit"], throttle["ThrottlingBurstLimit"]), (rate, burst))
                    log = stage.get("AccessLogSettings") or stage["AccessLogSetting"]
                    self.assertRegex(log["DestinationArn"], r"^<loggroup:(httpapi|restapi)-access\.Arn>$")
                    self.assertIn("$context.requestId", log["Format"])
                for group in ("loggroup:httpapi-access",) + (("loggroup:restapi-access",) if m["rest_apis"] else ()):
                    self.assertEqual(m["log_groups"][group]["RetentionInDays"], 30)
        m = self.compare(os.path.join(INFRA, "testdata", "parity-limits.json"))
        (topic,) = [json.loads(t) for t in m["sns_topics"]]
        self.assertEqual(topic["KmsMasterKeyId"], "<alarmtopickey.Arn>")
        (key,) = [json.loads(k) for k in m["kms_keys"]]
        self.assertTrue(key["EnableKeyRotation"])
        cloudwatch = [s for s in key["KeyPolicy"]["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
        self.assertEqual([(s["Effect"], sorted(s["Action"])) for s in cloudwatch], [("Allow", ["kms:Decrypt", "kms:GenerateDataKey*"])])
        # A topic of your own (AlarmTopicArn) is yours to encrypt: no key then.
        m = self.compare(os.path.join(INFRA, "testdata", "parity-topic.json"))
        self.assertEqual((m["sns_topics"], m["kms_keys"]), ([], []))

    def test_checkov_skips_match(self):
        """Both templates skip the same checkov checks for the same reasons (make lint-iac runs
        checkov; every other check passes)."""
        def skips(template):
            out = set()
            for res in template["Resources"].values():
                for s in ((res.get("Metadata") or {}).get("checkov") or {}).get("skip", []):
                    out.add((s["id"], s["comment"]))
            return out
        with open(os.path.join(INFRA, "testdata", "parity-full.json"), encoding="utf-8") as f:
            params = json.load(f)
        sam = skips(cfn.load_yaml(os.path.join(ROOT, "template.yaml")))
        cdk = skips(self.app.synth("full-skips", params))
        self.assertEqual(sorted(sam), sorted(cdk))
        # What is skipped by design (docs/DEPLOY.md, "Security"); a new skip is a decision to review.
        self.assertEqual(sorted({i for i, _ in sam}), ["CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_120", "CKV_AWS_158",
                                                        "CKV_AWS_173", "CKV_AWS_258", "CKV_AWS_73"])
        self.assertTrue(all(len(c) > 40 for _, c in sam), "every skip says why")

    def test_model_sees_a_difference(self):
        """The comparison is not vacuous: a changed alarm threshold shows up."""
        with open(os.path.join(INFRA, "testdata", "parity-minimal.json"), encoding="utf-8") as f:
            params = json.load(f)
        template = sam_template(params)
        changed = copy.deepcopy(template)
        changed["Resources"]["SuccessAlarm"]["Properties"]["Threshold"] = 2
        self.assertNotEqual(cfn.model(template, params)["alarms"], cfn.model(changed, params)["alarms"])


if __name__ == "__main__":
    unittest.main()
