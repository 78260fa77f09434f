// Artifact store: one storage account with the containers the host expects (architecture.md, Storage).
// Shared-key access is disabled, so every client authenticates with Entra ID: the apps with their
// managed identity (DefaultAzureCredential + AZURE_CLIENT_ID), operators with `az ... --auth-mode login`.

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

@description('Name of the apps\' user-assigned identity in this resource group: read/write on every container.')
param appIdentityName string

@description('Optional Entra object id of a person or group that uploads drops and labels: write on clicklogs and labels, read on models and runs. Empty: none.')
param operatorPrincipalId string = ''

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
// Built-in role ids (same in every tenant).
var blobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var blobDataReader = '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'

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

// Least privilege: the role is scoped to each of the four containers rather than the account, so the
// identity cannot touch other containers (for example $logs) and has no control-plane rights.
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

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
