"""`invoke generateschema`: CloudFormation tables derived from flywheel models."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import INVOKE

from tests.generated_app import model_source
from tight.tasks.errors import TaskError
from tight.tasks.schema import build_schemas, short_table_name

# Verbatim from the original Tight's documentation (tight dynamo generateschema).
ORIGINAL_ACCOUNTS_YML = """\
Properties:
  AttributeDefinitions:
  - {AttributeName: id, AttributeType: S}
  KeySchema:
  - {AttributeName: id, KeyType: HASH}
  ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
  TableName: my-service-dev-accounts
Type: AWS::DynamoDB::Table
"""

ORDER_MODEL = """\
import os
from datetime import datetime
from flywheel import Field, GlobalIndex, Model

class Order(Model):
    __metadata__ = {
        '_name': f"{os.environ['NAME']}-{os.environ['STAGE']}-customer-orders",
        'billing_mode': 'PAY_PER_REQUEST',
        'ttl': 'expires',
        'stream': 'NEW_AND_OLD_IMAGES',
        'global_indexes': [
            GlobalIndex.all('by-status', 'status', 'placed'),
            GlobalIndex.include('by-sku', 'sku', includes=['total', 'customer']),
        ],
    }
    customer = Field(hash_key=True)
    order_id = Field(range_key=True)
    placed = Field(data_type=datetime, index='placed-index')
    total = Field(data_type=int).keys_index('total-index')
    status = Field()
    sku = Field()
    expires = Field(data_type=int)
    note = Field()
"""

PROVISIONED_GSI_MODEL = """\
import os
from flywheel import Field, GlobalIndex, Model

class Event(Model):
    __metadata__ = {
        '_name': f"{os.environ['NAME']}-{os.environ['STAGE']}-events",
        'throughput': {'read': 3, 'write': 2},
        'global_indexes': [GlobalIndex.keys('by-kind', 'kind').throughput(read=4, write=1)],
        'stream': True,
    }
    id = Field(hash_key=True)
    kind = Field()
"""


def generate(app: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(INVOKE), "generateschema"], cwd=app, capture_output=True, text=True, check=False
    )


def test_original_account_equals_original_accounts_yml(make_app) -> None:
    app = make_app()
    result = generate(app)
    assert result.returncode == 0, result.stderr
    assert "schemas/dynamo/accounts.yml" in result.stdout
    written = (app / "schemas" / "dynamo" / "accounts.yml").read_bytes()
    assert written == ORIGINAL_ACCOUNTS_YML.encode()
    assert len(written) == 265  # the original Tight's `ls` shows 265B


def test_same_input_same_bytes_and_unchanged_file_untouched(make_app) -> None:
    app = make_app(models={"Account": model_source(), "Order": ORDER_MODEL})
    assert generate(app).returncode == 0
    files = sorted((app / "schemas" / "dynamo").iterdir())
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    again = generate(app)
    assert again.returncode == 0 and again.stdout.count("unchanged") == 2
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    assert after == before


@pytest.mark.parametrize(
    ("name", "stage"), [("my-service", "dev"), ("my-very-long-api", "dev"), ("a-b-c-d", "pre-prod")]
)
def test_hyphenated_app_names(make_app, name: str, stage: str) -> None:
    app = make_app(name=name, stage=stage, models={"Order": ORDER_MODEL})
    result = generate(app)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (app / "schemas" / "dynamo").iterdir()] == ["customer-orders.yml"]
    doc = yaml.safe_load((app / "schemas" / "dynamo" / "customer-orders.yml").read_text())
    assert doc["Properties"]["TableName"] == f"{name}-{stage}-customer-orders"


def test_short_table_name_edge_cases() -> None:
    assert short_table_name("a-b-dev-x-y", "a-b", "dev") == "x-y"
    assert short_table_name("other-table", "a-b", "dev") == "other-table"
    assert short_table_name("a-b-dev-", "a-b", "dev") == "a-b-dev-"
    assert short_table_name("a-b-dev-x", "", "") == "a-b-dev-x"


def test_indexes_on_demand_ttl_and_stream(make_app) -> None:
    app = make_app(models={"Order": ORDER_MODEL})
    files = build_schemas(app)
    props = yaml.safe_load(files["customer-orders.yml"])["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in props
    assert props["AttributeDefinitions"] == [
        {"AttributeName": "customer", "AttributeType": "S"},
        {"AttributeName": "order_id", "AttributeType": "S"},
        {"AttributeName": "placed", "AttributeType": "N"},
        {"AttributeName": "sku", "AttributeType": "S"},
        {"AttributeName": "status", "AttributeType": "S"},
        {"AttributeName": "total", "AttributeType": "N"},
    ]  # key and index attributes only (no `note`, `expires`), sorted
    assert props["KeySchema"] == [
        {"AttributeName": "customer", "KeyType": "HASH"},
        {"AttributeName": "order_id", "KeyType": "RANGE"},
    ]
    assert props["LocalSecondaryIndexes"] == [
        {
            "IndexName": "placed-index",
            "KeySchema": [
                {"AttributeName": "customer", "KeyType": "HASH"},
                {"AttributeName": "placed", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        },
        {
            "IndexName": "total-index",
            "KeySchema": [
                {"AttributeName": "customer", "KeyType": "HASH"},
                {"AttributeName": "total", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        },
    ]
    gsis = {g["IndexName"]: g for g in props["GlobalSecondaryIndexes"]}
    assert list(gsis) == ["by-sku", "by-status"]
    assert gsis["by-sku"]["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["customer", "total"],
    }
    assert gsis["by-status"]["KeySchema"][1] == {"AttributeName": "placed", "KeyType": "RANGE"}
    assert all("ProvisionedThroughput" not in g for g in gsis.values())
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_provisioned_gsi_throughput(make_app) -> None:
    app = make_app(models={"Event": PROVISIONED_GSI_MODEL})
    props = yaml.safe_load(build_schemas(app)["events.yml"])["Properties"]
    assert props["ProvisionedThroughput"] == {"ReadCapacityUnits": 3, "WriteCapacityUnits": 2}
    (gsi,) = props["GlobalSecondaryIndexes"]
    assert gsi["ProvisionedThroughput"] == {"ReadCapacityUnits": 4, "WriteCapacityUnits": 1}
    assert gsi["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert "BillingMode" not in props


@pytest.mark.slow  # cfn-lint in a subprocess, on three templates
def test_every_generated_file_passes_cfn_lint(make_app, tmp_path: Path) -> None:
    app = make_app(
        models={"Account": model_source(), "Order": ORDER_MODEL, "Event": PROVISIONED_GSI_MODEL}
    )
    assert generate(app).returncode == 0
    generated = sorted((app / "schemas" / "dynamo").glob("*.yml"))
    assert [p.name for p in generated] == ["accounts.yml", "customer-orders.yml", "events.yml"]
    for path in generated:
        template = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {"Table": yaml.safe_load(path.read_text())},
        }
        wrapped = tmp_path / f"template-{path.name}"
        wrapped.write_text(yaml.safe_dump(template))
        lint = subprocess.run(
            [str(INVOKE.with_name("cfn-lint")), str(wrapped)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert lint.returncode == 0, f"{path.name}:\n{lint.stdout}{lint.stderr}"


def test_broken_model_writes_nothing(make_app) -> None:
    broken = "import os\nTABLE = os.environ['NOPE']\n"
    app = make_app(models={"Account": model_source(), "Zbroken": broken})
    result = generate(app)
    assert result.returncode != 0
    assert "app/models/Zbroken.py failed to import: KeyError: 'NOPE'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (app / "schemas").exists()


def test_broken_model_keeps_existing_files(make_app) -> None:
    app = make_app()
    assert generate(app).returncode == 0
    accounts = app / "schemas" / "dynamo" / "accounts.yml"
    accounts.write_text("# edited by hand\n")
    (app / "app" / "models" / "Bad.py").write_text("def broken(:\n")
    result = generate(app)
    assert result.returncode != 0 and "app/models/Bad.py" in result.stderr
    assert "SyntaxError" in result.stderr
    assert accounts.read_text() == "# edited by hand\n"


def test_invalid_metadata_is_named(make_app) -> None:
    bad = ORDER_MODEL.replace("'PAY_PER_REQUEST'", "'ON_DEMAND'")
    with pytest.raises(TaskError, match="billing_mode 'ON_DEMAND'"):
        build_schemas(make_app(models={"Order": bad}))
    with pytest.raises(TaskError, match="ttl must name one of its fields"):
        build_schemas(make_app(models={"Order": ORDER_MODEL.replace("'expires',", "'gone',")},
                               folder="app-2"))  # fmt: skip


def test_missing_stage_in_env_says_where_to_put_it(make_app) -> None:
    app = make_app()
    (app / "env.yml").write_text("NAME: my-service\n")
    result = generate(app)
    assert result.returncode != 0 and "define 'STAGE' in env.yml" in result.stderr
    assert not (app / "schemas").exists()


def test_name_defaults_to_tight_yml_name(make_app) -> None:
    app = make_app(name="from-tight-yml")
    (app / "env.yml").write_text("STAGE: qa\n")
    assert generate(app).returncode == 0
    text = (app / "schemas" / "dynamo" / "accounts.yml").read_text()
    assert "TableName: from-tight-yml-qa-accounts" in text
