"""Regenerate ``schema.graphql`` (the subset the emulator serves) from Railway's published SDL.

Usage (from the repository root)::

    python -m sandbox.railway.gen_schema /path/to/published/schema.graphql > sandbox/railway/schema.graphql

Every definition and field is copied verbatim (types, nullability, arguments, defaults, deprecations) from
the published schema; only the selection below decides what is kept.  The emulator never imports this module.
"""
import dataclasses
import sys

from graphql import parse, print_ast
from graphql.language import DocumentNode

ALL = None  # keep every field / value

KEEP = {
    # root operations
    "Query": [
        "projectToken", "me", "projects", "project", "environment", "environments", "service",
        "deployment", "deployments", "deploymentEvents", "deploymentSnapshot", "variables",
        "variablesForServiceDeployment", "domains", "buildLogs", "deploymentLogs", "serviceInstance",
        "tcpProxies",
    ],
    "Mutation": [
        "serviceInstanceDeployV2", "serviceInstanceDeploy", "serviceInstanceRedeploy", "environmentTriggersDeploy",
        "deploymentRedeploy", "deploymentRollback", "deploymentRestart", "deploymentCancel", "deploymentRemove",
        "deploymentStop", "deploymentApprove", "variableCollectionUpsert", "variableUpsert", "variableDelete",
        "serviceInstanceUpdate", "tcpProxyCreate", "tcpProxyDelete",
    ],
    # interfaces
    "Node": ALL,
    "Domain": ALL,
    # objects
    "ProjectToken": ALL,
    "User": ["id", "email", "name", "username", "avatar", "createdAt", "has2FA", "isAdmin", "isVerified",
             "lastLogin", "workspaces"],
    "Workspace": ["id", "name", "avatar", "createdAt", "updatedAt", "projects"],
    "WorkspaceProjectsConnection": ALL, "WorkspaceProjectsConnectionEdge": ALL,
    "Project": ["id", "name", "description", "createdAt", "updatedAt", "deletedAt", "expiredAt", "isPublic",
                "isTempProject", "prDeploys", "botPrEnvironments", "focusedPrEnvironments", "workspaceId",
                "workspace", "baseEnvironmentId", "baseEnvironment", "primaryEnvironmentId", "environments",
                "services", "deployments"],
    "ProjectEnvironmentsConnection": ALL, "ProjectEnvironmentsConnectionEdge": ALL,
    "ProjectServicesConnection": ALL, "ProjectServicesConnectionEdge": ALL,
    "ProjectDeploymentsConnection": ALL, "ProjectDeploymentsConnectionEdge": ALL,
    "Environment": ["id", "name", "projectId", "createdAt", "updatedAt", "deletedAt", "canAccess", "isEphemeral",
                    "unmergedChangesCount", "serviceInstances", "deployments"],
    "EnvironmentServiceInstancesConnection": ALL, "EnvironmentServiceInstancesConnectionEdge": ALL,
    "EnvironmentDeploymentsConnection": ALL, "EnvironmentDeploymentsConnectionEdge": ALL,
    "Service": ["id", "name", "projectId", "project", "createdAt", "updatedAt", "deletedAt", "icon", "groupId",
                "templateId", "isRestricted", "serviceInstances", "deployments"],
    "ServiceServiceInstancesConnection": ALL, "ServiceServiceInstancesConnectionEdge": ALL,
    "ServiceDeploymentsConnection": ALL, "ServiceDeploymentsConnectionEdge": ALL,
    "ServiceInstance": ["id", "serviceId", "serviceName", "environmentId", "service", "createdAt", "updatedAt",
                        "deletedAt", "latestDeployment", "activeDeployments", "domains", "source", "builder",
                        "buildCommand", "startCommand", "healthcheckPath", "healthcheckTimeout", "rootDirectory",
                        "railwayConfigFile", "numReplicas", "region", "restartPolicyType",
                        "restartPolicyMaxRetries", "sleepApplication", "isUpdatable", "watchPatterns",
                        "cronSchedule", "nextCronRunAt", "upstreamUrl", "drainingSeconds", "overlapSeconds",
                        "nixpacksPlan", "preDeployCommand", "dockerfilePath"],
    "ServiceSource": ALL,
    "AllDomains": ALL,
    "ServiceDomain": ["id", "domain", "suffix", "targetPort", "syncStatus", "environmentId", "serviceId",
                      "projectId", "createdAt", "updatedAt", "deletedAt", "cdnMode", "edgeId"],
    "CustomDomain": ["id", "domain", "targetPort", "syncStatus", "environmentId", "serviceId", "projectId",
                     "createdAt", "updatedAt", "deletedAt", "cdnMode", "edgeId", "isRailwayDomain", "status"],
    "CustomDomainStatus": ["verified", "certificateStatus", "verificationDnsHost", "verificationToken",
                           "certificateErrorMessage", "certificateRetryable"],
    "Deployment": ["id", "status", "createdAt", "updatedAt", "statusUpdatedAt", "canRedeploy", "canRollback",
                   "deploymentStopped", "meta", "diagnosis", "url", "staticUrl", "snapshotId", "projectId",
                   "environmentId", "serviceId", "creator", "instances", "environment", "service",
                   "suggestAddServiceDomain"],
    "DeploymentCreator": ALL,
    "DeploymentDeploymentInstance": ALL,
    "DeploymentSnapshot": ALL,
    "DeploymentEvent": ALL,
    "DeploymentEventPayload": ALL,
    "QueryDeploymentsConnection": ALL, "QueryDeploymentsConnectionEdge": ALL,
    "QueryProjectsConnection": ALL, "QueryProjectsConnectionEdge": ALL,
    "QueryEnvironmentsConnection": ALL, "QueryEnvironmentsConnectionEdge": ALL,
    "QueryDeploymentEventsConnection": ALL, "QueryDeploymentEventsConnectionEdge": ALL,
    "PageInfo": ALL,
    "Log": ALL, "LogAttribute": ALL, "LogTags": ALL,
    # inputs
    "DeploymentListInput": ALL, "DeploymentStatusInput": ALL,
    "VariableCollectionUpsertInput": ALL, "VariableUpsertInput": ALL, "VariableDeleteInput": ALL,
    "EnvironmentTriggersDeployInput": ALL,
    "ServiceInstanceUpdateInput": ALL, "RegistryCredentialsInput": ALL, "ServiceSourceInput": ALL,
    "TCPProxyCreateInput": ALL,
    "TCPProxy": ALL, "TCPProxySyncStatus": ALL,
    # enums
    "DeploymentStatus": ALL, "DeploymentInstanceStatus": ALL, "DeploymentEventStep": ALL, "Builder": ALL,
    "RestartPolicyType": ALL, "ServiceDomainSyncStatus": ALL, "CustomDomainSyncStatus": ALL, "SortOrder": ALL,
    "CertificateStatus": ALL, "ProjectsOrderBy": ALL,
    # scalars
    "DateTime": ALL, "JSON": ALL, "EnvironmentVariables": ALL, "DeploymentMeta": ALL, "DeploymentDiagnosis": ALL,
}

HEADER = """\
# Subset of Railway's public GraphQL schema (backboard /graphql/v2) served by the sandbox emulator.
# Generated by sandbox/railway/gen_schema.py from the published SDL; every kept definition, field, argument
# and default is copied verbatim.  tests/sandbox/test_emulator_schema.py checks that it still agrees.
"""


def subset(sdl):
    doc = parse(sdl, no_location=True)
    kept = []
    for d in doc.definitions:
        name = getattr(getattr(d, "name", None), "value", None)
        if name not in KEEP:
            continue
        want = KEEP[name]
        if want is not None:
            for attr in ("fields", "values"):
                items = getattr(d, attr, None)
                if items is not None:
                    found = {i.name.value for i in items}
                    missing = set(want) - found
                    if missing:
                        raise SystemExit(f"{name}: not in published schema: {sorted(missing)}")
                    d = dataclasses.replace(d, **{attr: tuple(i for i in items if i.name.value in want)})
        if getattr(d, "interfaces", None):
            d = dataclasses.replace(d, interfaces=tuple(i for i in d.interfaces if i.name.value in KEEP))
        kept.append(d)
    missing = set(KEEP) - {d.name.value for d in kept}
    if missing:
        raise SystemExit(f"types not in published schema: {sorted(missing)}")
    # schema definition, if any
    kept.sort(key=lambda d: (d.name.value not in ("Query", "Mutation"), d.name.value))
    return HEADER + "\n" + print_ast(DocumentNode(definitions=tuple(kept))) + "\n"


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        sys.stdout.write(subset(fh.read()))
