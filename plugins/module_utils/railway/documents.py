# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every GraphQL document the railway wing sends, as constants.

Keep all documents here: tests collect every upper-case ``str`` constant of this module and validate it
against Railway's published schema (``shared/railway/schema.graphql``).
"""

from __future__ import annotations

_DEPLOYMENT_FIELDS = """
fragment DeploymentFields on Deployment {
  id status createdAt updatedAt statusUpdatedAt canRedeploy canRollback deploymentStopped
  meta staticUrl url snapshotId serviceId environmentId projectId
}
"""

# --- auth and lookup ---------------------------------------------------------------------------------------
PROJECT_TOKEN = """
query ProjectToken {
  projectToken { id projectId environmentId project { id name } environment { id name } }
}
"""

PROJECT = """
query Project($id: String!) {
  project(id: $id) {
    id name deletedAt
    environments { edges { node { id name deletedAt } } }
    services { edges { node { id name deletedAt } } }
  }
}
"""

PROJECTS = """
query Projects($first: Int, $after: String) {
  projects(first: $first, after: $after) {
    edges { node { id name } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

WORKSPACE_PROJECTS = """
query WorkspaceProjects {
  me { workspaces { id name projects(first: 500) { edges { node { id name } } } } }
}
"""

# --- deployments: read -------------------------------------------------------------------------------------
DEPLOYMENT = """
query Deployment($id: String!) {
  deployment(id: $id) { ...DeploymentFields }
}
""" + _DEPLOYMENT_FIELDS

DEPLOYMENTS = """
query Deployments($input: DeploymentListInput!, $first: Int, $after: String) {
  deployments(input: $input, first: $first, after: $after) {
    edges { node { ...DeploymentFields } }
    pageInfo { hasNextPage endCursor }
  }
}
""" + _DEPLOYMENT_FIELDS

SERVICE_INSTANCE = """
query ServiceInstance($environmentId: String!, $serviceId: String!) {
  serviceInstance(environmentId: $environmentId, serviceId: $serviceId) {
    id serviceName
    latestDeployment { ...DeploymentFields }
    activeDeployments { ...DeploymentFields }
    domains {
      serviceDomains { id domain suffix targetPort syncStatus }
      customDomains { id domain targetPort syncStatus }
    }
    source { repo image }
  }
}
""" + _DEPLOYMENT_FIELDS

BUILD_LOGS = """
query BuildLogs($deploymentId: String!, $limit: Int, $filter: String) {
  buildLogs(deploymentId: $deploymentId, limit: $limit, filter: $filter) { timestamp message severity }
}
"""

DEPLOYMENT_LOGS = """
query DeploymentLogs($deploymentId: String!, $limit: Int, $filter: String) {
  deploymentLogs(deploymentId: $deploymentId, limit: $limit, filter: $filter) { timestamp message severity }
}
"""

# --- deployments: write ------------------------------------------------------------------------------------
SERVICE_INSTANCE_DEPLOY_V2 = """
mutation ServiceInstanceDeployV2($environmentId: String!, $serviceId: String!, $commitSha: String) {
  serviceInstanceDeployV2(environmentId: $environmentId, serviceId: $serviceId, commitSha: $commitSha)
}
"""

DEPLOYMENT_REDEPLOY = """
mutation DeploymentRedeploy($id: String!) {
  deploymentRedeploy(id: $id) { ...DeploymentFields }
}
""" + _DEPLOYMENT_FIELDS

DEPLOYMENT_ROLLBACK = """
mutation DeploymentRollback($id: String!) { deploymentRollback(id: $id) }
"""

DEPLOYMENT_RESTART = """
mutation DeploymentRestart($id: String!) { deploymentRestart(id: $id) }
"""

DEPLOYMENT_CANCEL = """
mutation DeploymentCancel($id: String!) { deploymentCancel(id: $id) }
"""

DEPLOYMENT_REMOVE = """
mutation DeploymentRemove($id: String!) { deploymentRemove(id: $id) }
"""

DEPLOYMENT_APPROVE = """
mutation DeploymentApprove($id: String!) { deploymentApprove(id: $id) }
"""

# --- the `railway run` environment and the private network -----------------------------------------------
RUNTIME_VARIABLES = """
query VariablesForServiceDeployment($projectId: String!, $environmentId: String!, $serviceId: String!) {
  variablesForServiceDeployment(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId)
}
"""

TCP_PROXIES = """
query TcpProxies($environmentId: String!, $serviceId: String!) {
  tcpProxies(environmentId: $environmentId, serviceId: $serviceId) { id domain proxyPort applicationPort syncStatus }
}
"""

SERVICE_CONFIG = """
query ServiceConfig($environmentId: String!, $serviceId: String!) {
  serviceInstance(environmentId: $environmentId, serviceId: $serviceId) {
    id startCommand buildCommand preDeployCommand railwayConfigFile healthcheckPath
  }
}
"""

SERVICE_INSTANCE_UPDATE = """
mutation ServiceInstanceUpdate($environmentId: String, $serviceId: String!, $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(environmentId: $environmentId, serviceId: $serviceId, input: $input)
}
"""

# --- variables ---------------------------------------------------------------------------------------------
VARIABLES = """
query Variables($projectId: String!, $environmentId: String!, $serviceId: String) {
  variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
}
"""

VARIABLE_COLLECTION_UPSERT = """
mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) {
  variableCollectionUpsert(input: $input)
}
"""

VARIABLE_DELETE = """
mutation VariableDelete($input: VariableDeleteInput!) { variableDelete(input: $input) }
"""


def all_documents():
    """``{constant name: document}`` for every document above (used by the schema test)."""
    return {name: value for name, value in globals().items()
            if name.isupper() and not name.startswith("_") and isinstance(value, str)}


def operation_name(document):
    """The operation name of a document (``query Foo(...)`` -> ``Foo``), for messages and the request body."""
    for word_index, line in enumerate(document.strip().splitlines()):
        words = line.replace("(", " ").replace("{", " ").split()
        if len(words) >= 2 and words[0] in ("query", "mutation"):
            return words[1]
        if word_index > 3:
            break
    return None
