// One storage account for the artifact store and the task hubs:
//   - the containers the host expects (architecture.md, Storage): clicklogs, labels, models, runs;
//   - each task hub's queues, tables and containers as DurableTask.AzureStorage names them (types.bicep).
//     The provider creates any that are missing when it starts; creating them here lets the GPU worker's
//     scale rules watch queues that exist from the first deployment, and lets the blob role be scoped to
//     the hub's own containers.
// Shared-key access is disabled, so every client authenticates with Entra ID: the apps with their
// managed identity (DefaultAzureCredential + AZURE_CLIENT_ID), operators with `az ... --auth-mode login`.

import { controlQueueNames, taskHubContainerNames, taskHubTableNames, workItemQueueName } from 'types.bicep'

@description('Azure region.')
param location string

@description('Storage account name: 3-24 lowercase letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

@description('Replication. LRS is enough: every artifact can be rebuilt from the click logs, which the team should also keep elsewhere.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param skuName string = 'Standard_LRS'

@description('Name of the apps\' user-assigned identity in this resource group: read/write on every container, and the task hubs\' queue and table data.')
param appIdentityName string

@description('Task hubs kept in this account (the default queue\'s and the gpu queue\'s, see types.bicep taskHubFor).')
param taskHubNames string[]

@description('Control-queue partitions of every task hub (TaskHub__PartitionCount).')
@minValue(1)
@maxValue(16)
param taskHubPartitionCount int

@description('Optional Entra object id of a person or group that uploads drops and labels: write on clicklogs and labels, read on models and runs. Empty: none.')
param operatorPrincipalId string = ''

@description('Also give operatorPrincipalId the task hubs\' data roles (as the apps have them), to run `submit`, `status` and the other commands from a workstation.')
param operatorTaskHubAccess bool = false

@description('Days a deleted or overwritten blob can be restored.')
@minValue(1)
@maxValue(365)
param softDeleteDays int = 7

@description('Tags for every resource.')
param tags { *: string }

// The host's container names (Storage__* settings point at the account; the names are fixed in code).
var containerNames = [
  'clicklogs'
  'labels'
  'models'
  'runs'
]
// What DurableTask.AzureStorage uses for each task hub.
var hubContainerNames = flatten(map(taskHubNames, hub => taskHubContainerNames(hub)))
var hubQueueNames = flatten(map(
  taskHubNames,
  hub => concat([workItemQueueName(hub)], controlQueueNames(hub, taskHubPartitionCount))
))
var hubTableNames = flatten(map(taskHubNames, hub => taskHubTableNames(hub)))

// Built-in role ids (same in every tenant).
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var blobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
var queueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

// An operator writes drops and labels; models and runs they may only read.
var operatorRoles = map(
  containerNames,
  c => contains(['clicklogs', 'labels'], c) ? blobDataContributor : blobDataReader
)

// Looked up by name (known before deployment) rather than passed as a principal id (known only after),
// so role-assignment names are predictable and what-if can show them.
resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
}

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Container Apps on the consumption plan have no fixed egress addresses, so the account stays
    // reachable from the internet; without shared keys or public blobs, only Entra principals with
    // a data role (below) can read or write.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource hubContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = [
  for containerName in hubContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource hubQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-01-01' = [
  for queueName in hubQueueNames: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: account
  name: 'default'
}

resource hubTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for tableName in hubTableNames: {
    parent: tableService
    name: tableName
  }
]

// Least privilege: the blob role is scoped to each container the apps use (the four artifact containers
// and the task hubs' own) rather than the account, so the identity cannot touch other containers (for
// example $logs) and has no control-plane rights.
resource appBlobAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in containerNames: {
    scope: containers[i]
    name: guid(containers[i].id, appIdentity.id, blobDataContributor)
    properties: {
      principalId: appIdentity.properties.principalId
      // ServicePrincipal: lets ARM assign a just-created identity without waiting for replication.
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    }
  }
]

resource appHubBlobAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in hubContainerNames: {
    scope: hubContainers[i]
    name: guid(hubContainers[i].id, appIdentity.id, blobDataContributor)
    properties: {
      principalId: appIdentity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    }
  }
]

// Queue and table data: scoped to the account, whose only queues and tables are the task hubs'. The
// provider creates and deletes messages and entities and creates what is missing at start, so it needs
// the Contributor roles (the Message Processor/Sender and Reader roles cannot create a queue or table).
// The GPU worker's KEDA scale rules read queue lengths with the same identity.
resource appQueueAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, appIdentity.id, queueDataContributor)
  properties: {
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributor)
  }
}

resource appTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, appIdentity.id, tableDataContributor)
  properties: {
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
  }
}

resource operatorBlobAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in containerNames: if (!empty(operatorPrincipalId)) {
    scope: containers[i]
    name: guid(containers[i].id, operatorPrincipalId, operatorRoles[i])
    properties: {
      principalId: operatorPrincipalId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', operatorRoles[i])
    }
  }
]

var operatorOnTaskHubs = !empty(operatorPrincipalId) && operatorTaskHubAccess

resource operatorHubBlobAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in hubContainerNames: if (operatorOnTaskHubs) {
    scope: hubContainers[i]
    name: guid(hubContainers[i].id, operatorPrincipalId, blobDataContributor)
    properties: {
      principalId: operatorPrincipalId
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataContributor)
    }
  }
]

resource operatorQueueAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (operatorOnTaskHubs) {
  scope: account
  name: guid(account.id, operatorPrincipalId, queueDataContributor)
  properties: {
    principalId: operatorPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributor)
  }
}

resource operatorTableAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (operatorOnTaskHubs) {
  scope: account
  name: guid(account.id, operatorPrincipalId, tableDataContributor)
  properties: {
    principalId: operatorPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
