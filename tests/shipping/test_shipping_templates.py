"""`invoke template`: SAM validated by aws-sam-translator and cfn-lint; Serverless's structure."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tight.tasks.config import load_config
from tight.tasks.deploy.serverless import CRUD_ACTIONS
from tight.tasks.deploy_templates import generate
from tight.tasks.errors import TaskError

CONTROLLERS = {
    "HelloFunction": "hello",
    "UsesBoto3Function": "uses_boto3",
    "UsesVendoredFunction": "uses_vendored",
}
TABLES = {"AccountsTable": "accounts", "UserEventsTable": "user-events"}


class OfflinePolicies:
    """aws-sam-translator asks IAM for managed policy ARNs; offline, answer with fixed ones."""

    def load(self) -> dict[str, str]:
        basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        return {"AWSLambdaBasicExecutionRole": basic}


def cfn_lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--regions", "us-east-1", "--", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def translate_and_lint(template: dict, tmp_path: Path) -> dict:
    """The SAM transform, as `sam deploy` runs it after uploading the zip, then cfn-lint."""
    from samtranslator.translator.transform import transform

    packaged = copy.deepcopy(template)
    for resource in packaged["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            key = Path(resource["Properties"]["CodeUri"]).name
            resource["Properties"]["CodeUri"] = f"s3://deploy-bucket/{key}"
    translated = transform(packaged, {}, OfflinePolicies())
    out = tmp_path / "translated.json"
    out.write_text(json.dumps(translated, indent=1))
    lint = cfn_lint(out)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    return translated


@pytest.fixture
def sam(vendored_app: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    path, _ = generate(load_config(), "sam")
    return path, yaml.safe_load(path.read_text())


@pytest.mark.slow
def test_sam_template_shape(vendored_app: Path, sam: tuple[Path, dict]) -> None:
    path, template = sam
    assert path == vendored_app / "template.yaml"
    assert template["Transform"] == "AWS::Serverless-2016-10-31"
    resources = template["Resources"]
    functions = {k: v for k, v in resources.items() if v["Type"] == "AWS::Serverless::Function"}
    assert {k: v["Properties"]["Handler"] for k, v in functions.items()} == {
        k: f"app_index.{name}" for k, name in CONTROLLERS.items()
    }
    (artifact,) = (vendored_app / "builds").glob("shipping-app-*.zip")
    for props in (f["Properties"] for f in functions.values()):
        assert props["Runtime"] == "python3.11"
        assert props["Architectures"] == ["x86_64"]
        assert props["CodeUri"] == f"builds/{artifact.name}"
        assert props["Environment"]["Variables"] == {
            "CI": "false",
            "NAME": "shipping-app",
            "STAGE": {"Ref": "Stage"},
        }
        assert props["Policies"] == [
            {"DynamoDBCrudPolicy": {"TableName": {"Ref": table}}} for table in TABLES
        ]
    events = {
        k: {e["Properties"]["Path"] for e in v["Properties"]["Events"].values()}
        for k, v in functions.items()
    }
    assert events["HelloFunction"] == {"/greetings", "/greetings/{proxy+}"}  # from tight.yml
    assert events["UsesBoto3Function"] == {"/uses_boto3", "/uses_boto3/{proxy+}"}  # default
    methods = {
        e["Properties"]["Method"]
        for f in functions.values()
        for e in f["Properties"]["Events"].values()
    }
    assert methods == {"ANY"}
    for logical_id, short in TABLES.items():
        assert resources[logical_id]["Type"] == "AWS::DynamoDB::Table"
        assert resources[logical_id]["Properties"]["TableName"] == {
            "Fn::Sub": f"shipping-app-${{Stage}}-{short}"
        }
    assert template["Parameters"]["Stage"]["Default"] == "dev"


@pytest.mark.slow
def test_sam_translates_and_lints_clean(sam: tuple[Path, dict], tmp_path: Path) -> None:
    path, template = sam
    raw_lint = cfn_lint(path)
    assert raw_lint.returncode == 0, raw_lint.stdout + raw_lint.stderr

    translated = translate_and_lint(template, tmp_path)
    resources = translated["Resources"]
    lambdas = {k: v for k, v in resources.items() if v["Type"] == "AWS::Lambda::Function"}
    assert set(lambdas) == set(CONTROLLERS)
    for logical_id, function in lambdas.items():
        role = resources[function["Properties"]["Role"]["Fn::GetAtt"][0]]
        statements = [
            s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
        ]
        dynamo = [s for s in statements if any(str(a).startswith("dynamodb:") for a in s["Action"])]
        assert len(dynamo) == len(TABLES), logical_id
        resources_text = json.dumps([s["Resource"] for s in dynamo])
        assert "*" not in resources_text.replace("/index/*", ""), "scoped to the tables only"
        for table in TABLES:
            assert table in resources_text
    permissions = [v for v in resources.values() if v["Type"] == "AWS::Lambda::Permission"]
    assert len(permissions) == 2 * len(CONTROLLERS)
    print(
        f"\nSAM: {len(resources)} CloudFormation resources after transform; cfn-lint: clean "
        f"(raw and translated)"
    )


@pytest.mark.slow
def test_serverless_template_structure(vendored_app: Path) -> None:
    path, _ = generate(load_config(), "serverless")
    text = path.read_text()
    config = yaml.safe_load(text)

    assert path.name == "serverless.yml"
    assert "&id" not in text and "*id" not in text
    assert config["service"] == "shipping-app"
    provider = config["provider"]
    assert (provider["name"], provider["runtime"], provider["architecture"]) == (
        "aws",
        "python3.11",
        "x86_64",
    )
    assert provider["environment"] == {
        "CI": "false",
        "NAME": "shipping-app",
        "STAGE": "${sls:stage}",
    }
    (statement,) = provider["iam"]["role"]["statements"]
    assert statement["Action"] == list(CRUD_ACTIONS)
    assert {"Fn::GetAtt": ["AccountsTable", "Arn"]} in statement["Resource"]
    assert len(statement["Resource"]) == 2 * len(TABLES)
    (artifact,) = (vendored_app / "builds").glob("shipping-app-*.zip")
    assert config["package"] == {"artifact": f"builds/{artifact.name}"}
    assert {name: f["handler"] for name, f in config["functions"].items()} == {
        name: f"app_index.{name}" for name in CONTROLLERS.values()
    }
    assert config["functions"]["hello"]["events"] == [
        {"http": {"path": "/greetings", "method": "ANY"}},
        {"http": {"path": "/greetings/{proxy+}", "method": "ANY"}},
    ]
    tables = config["resources"]["Resources"]
    assert (
        tables["UserEventsTable"]["Properties"]["TableName"]
        == "shipping-app-${sls:stage}-user-events"
    )
    assert tables["AccountsTable"]["Type"] == "AWS::DynamoDB::Table"


@pytest.mark.slow
def test_cli_default_is_sam_and_bad_input_is_named(vendored_app: Path, run_invoke) -> None:
    result = run_invoke(vendored_app, "template")
    assert result.returncode == 0, result.stdout
    assert "wrote template.yaml (sam)" in result.stdout
    bad = run_invoke(vendored_app, "template", "--format", "cdk")
    assert bad.returncode != 0 and "unknown format 'cdk'" in bad.stdout
    (vendored_app / "schemas" / "dynamo" / "broken.yml").write_text("Type: AWS::S3::Bucket\n")
    broken = run_invoke(vendored_app, "template")
    assert broken.returncode != 0 and "broken.yml is not an AWS::DynamoDB::Table" in broken.stdout


@pytest.mark.slow
def test_unknown_function_in_tight_yml_is_named(vendored_app: Path) -> None:
    with (vendored_app / "tight.yml").open("a") as handle:
        handle.write("  ghost: {path: /ghost}\n")
    with pytest.raises(TaskError) as error:
        generate(load_config(), "sam")
    assert "ghost" in error.value.problem


@pytest.mark.slow
def test_no_tables_means_no_dynamodb_permissions(vendored_app: Path) -> None:
    for schema in (vendored_app / "schemas" / "dynamo").glob("*.yml"):
        schema.unlink()
    _, sam_path = None, generate(load_config(), "sam")[0]
    template = yaml.safe_load(sam_path.read_text())
    assert all("Policies" not in r["Properties"] for r in template["Resources"].values())
    serverless = yaml.safe_load(generate(load_config(), "serverless")[0].read_text())
    assert "iam" not in serverless["provider"] and "resources" not in serverless


@pytest.mark.slow
def test_sam_http_api(vendored_app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`api: http`: an AWS::Serverless::HttpApi and HttpApi events (payload 2.0), which the
    SAM transform turns into an API Gateway v2 API, cfn-lint clean before and after."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with (vendored_app / "tight.yml").open("a") as handle:
        handle.write("api: http\n")
    path, _ = generate(load_config(), "sam")
    template = yaml.safe_load(path.read_text())
    raw_lint = cfn_lint(path)
    assert raw_lint.returncode == 0, raw_lint.stdout + raw_lint.stderr
    resources = template["Resources"]
    assert resources["HttpApi"]["Type"] == "AWS::Serverless::HttpApi"
    assert "ServerlessRestApi" not in json.dumps(template)
    for logical_id in CONTROLLERS:
        events = resources[logical_id]["Properties"]["Events"].values()
        assert {e["Type"] for e in events} == {"HttpApi"}
        assert all(e["Properties"]["PayloadFormatVersion"] == "2.0" for e in events)
        assert all(e["Properties"]["ApiId"] == {"Ref": "HttpApi"} for e in events)
        assert {e["Properties"]["Method"] for e in events} == {"ANY"}

    translated = translate_and_lint(template, tmp_path)["Resources"]
    types = [r["Type"] for r in translated.values()]
    assert types.count("AWS::ApiGatewayV2::Api") == 1
    assert "AWS::ApiGateway::RestApi" not in types
    body = json.dumps(translated["HttpApi"]["Properties"]["Body"])
    assert "/greetings/{proxy+}" in body and '"payloadFormatVersion": "2.0"' in body
    permissions = [r for r in translated.values() if r["Type"] == "AWS::Lambda::Permission"]
    assert len(permissions) == 2 * len(CONTROLLERS)


@pytest.mark.slow
def test_bad_api_setting_is_named(vendored_app: Path) -> None:
    with (vendored_app / "tight.yml").open("a") as handle:
        handle.write("api: graphql\n")
    with pytest.raises(TaskError) as error:
        load_config()
    assert "'graphql'" in error.value.problem and "api: http" in error.value.fix
