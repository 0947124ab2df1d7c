"""Every GraphQL document the railway wing can send validates against Railway's published schema."""

import os
import re

import pytest

from ansible_collections.facturino.release.plugins.module_utils.railway import documents

SCHEMA_PATH = os.environ.get("RAILWAY_SCHEMA_SDL", "/work/shared/railway/schema.graphql")

graphql = pytest.importorskip("graphql")

pytestmark = pytest.mark.skipif(not os.path.isfile(SCHEMA_PATH), reason="published schema %s is absent" % SCHEMA_PATH)

DOCUMENTS = documents.all_documents()


@pytest.fixture(scope="module")
def schema():
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        # the published SDL has one known interface inconsistency (Team.id deprecated while Node.id is not),
        # which graphql-core's schema validation rejects; document validation is unaffected
        return graphql.build_schema(handle.read(), assume_valid=True)


def test_documents_are_collected():
    # the module's operations: a missing constant would silently escape validation
    for name in ("PROJECT_TOKEN", "PROJECT", "DEPLOYMENT", "DEPLOYMENTS", "SERVICE_INSTANCE", "SERVICE_INSTANCE_DEPLOY_V2",
                 "DEPLOYMENT_REDEPLOY", "DEPLOYMENT_ROLLBACK", "DEPLOYMENT_RESTART", "DEPLOYMENT_CANCEL",
                 "DEPLOYMENT_REMOVE", "DEPLOYMENT_APPROVE", "BUILD_LOGS", "DEPLOYMENT_LOGS", "VARIABLES",
                 "VARIABLE_COLLECTION_UPSERT", "VARIABLE_DELETE"):
        assert name in DOCUMENTS


def test_no_document_lives_outside_documents_module():
    """A GraphQL document written anywhere else in the wing would escape this validation."""
    package = os.path.dirname(documents.__file__)
    pattern = re.compile(r"\b(query|mutation|subscription)\s+[A-Z]\w*\s*[({]")
    offenders = []
    for name in sorted(os.listdir(package)):
        if name.endswith(".py") and name != "documents.py":
            with open(os.path.join(package, name), encoding="utf-8") as handle:
                if pattern.search(handle.read()):
                    offenders.append(name)
    assert offenders == []
    # and the pattern does find documents
    with open(documents.__file__, encoding="utf-8") as handle:
        assert len(pattern.findall(handle.read())) >= len(DOCUMENTS)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_validates_against_schema(schema, name):
    document = graphql.parse(DOCUMENTS[name])
    errors = graphql.validate(schema, document)
    assert errors == [], "%s: %s" % (name, "; ".join(e.message for e in errors))


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_operation_name_is_parsed(name):
    op = documents.operation_name(DOCUMENTS[name])
    parsed = graphql.parse(DOCUMENTS[name])
    names = [d.name.value for d in parsed.definitions if isinstance(d, graphql.OperationDefinitionNode)]
    assert [op] == names


def test_invalid_document_is_rejected(schema):
    # the validator is live: the docs' rollback shape (a selection on a Boolean) must fail
    bad = graphql.parse("mutation R($id: String!) { deploymentRollback(id: $id) { id status } }")
    assert graphql.validate(schema, bad)
