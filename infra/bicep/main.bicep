// RankDistill on Azure: one resource group holding
//   - a storage account with the clicklogs, labels, models and runs containers (artifacts),
//   - a PostgreSQL flexible server (the durable task hub shared by every process),
//   - a Container Apps environment with a GPU workload profile, running
//       `serve`  (dashboard + click-log watcher + default-queue worker) on the Consumption profile, and
//       `worker --queues gpu` on the GPU profile, scaled on the gpu queue's depth,
//   - one user-assigned identity with data-plane roles only (blob containers, optional AcrPull),
//   - a Log Analytics workspace for the apps' logs.
// Deploy: see the README ("Deploying to Azure"). Required parameters: the two images and the two secrets.

import { environmentVariable } from 'modules/types.bicep'

@description('Region for every resource. Pick one with serverless GPUs for the chosen profile (e.g. swedencentral, westus3, australiaeast).')
param location string = resourceGroup().location

@description('Prefix of every resource name: 3-11 lowercase letters and digits (the storage account name adds 13 characters).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'rankdistill'

@description('Tags for every resource.')
param tags { *: string } = {
  application: 'rankdistill'
}

@description('Host image built with TorchBackend=cpu, for `serve` (e.g. myregistry.azurecr.io/rankdistill:cpu).')
param cpuImage string

@description('Host image built with TorchBackend=cuda, for the GPU workers (e.g. myregistry.azurecr.io/rankdistill:cuda).')
param gpuImage string

@description('Name of an existing Azure Container Registry in this resource group holding the images; the identity gets AcrPull on it. Empty: the images are public.')
param containerRegistryName string = ''

@description('Task hub administrator login; the apps connect as this user.')
param postgresAdminLogin string = 'rankdistill'

@description('Task hub administrator password (8-128 characters, three of: upper, lower, digit, symbol).')
@minLength(8)
@maxLength(128)
@secure()
param postgresAdminPassword string

@description('Task hub compute size; Standard_B1ms suits a few workers, a GeneralPurpose size (e.g. Standard_D2ds_v5) many.')
param postgresSkuName string = 'Standard_B1ms'

@description('Compute tier matching postgresSkuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('Key the dashboard requires on every request (at least 32 characters, e.g. `openssl rand -base64 32`).')
@minLength(32)
@secure()
param dashboardApiKey string

@description('CIDR ranges allowed to reach the dashboard; empty allows everyone (the API key still applies).')
param dashboardAllowedIpRanges string[] = []

@description('vCPUs of the serve app, which also runs the default-queue steps (data preparation, evaluation). Consumption profile: up to 4.')
param serveCpu string = '2'

@description('Memory of the serve app: twice the vCPUs in GiB on the Consumption profile.')
param serveMemory string = '4Gi'

@description('Optional public IPv4 address allowed through the task hub firewall, for running `submit`/`status` from a workstation. Empty: none.')
param operatorIpAddress string = ''

@description('Optional Entra object id of a person or group who uploads drops and labels (write clicklogs/labels, read models/runs). Empty: none.')
param operatorPrincipalId string = ''

@description('GPU workload profile. Consumption-GPU-* are serverless (scale to zero, per-second billing).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
  'NC24-A100'
  'NC48-A100'
  'NC96-A100'
])
param gpuWorkloadProfileType string = 'Consumption-GPU-NC8as-T4'

@description('vCPUs per GPU replica; must fit the profile (NC8as-T4: 8, A100 profiles: up to 24 per GPU).')
param gpuWorkerCpu string = '8'

@description('Memory per GPU replica; must fit the profile (NC8as-T4: 56Gi, A100 profiles: up to 220Gi per GPU).')
param gpuWorkerMemory string = '56Gi'

@description('GPU replicas kept when the gpu queue is empty: 0 costs nothing while idle, 1 avoids a cold start.')
@minValue(0)
@maxValue(1)
param gpuMinReplicas int = 0

@description('Most GPU replicas; the subscription needs that much serverless GPU quota.')
@minValue(1)
@maxValue(30)
param gpuMaxReplicas int = 2

// The task hub's tables belong to the durable engine (src/Durable/Postgres, schema `durable` by
// default): durable.tasks holds outstanding activities only (a row is deleted when its result is
// stored), queued or leased alike, with the queue in a column. tests/Durable.Tests/Postgres runs this
// exact default against a real hub.
@description('SQL the KEDA scale rule runs on the task hub: one number, the outstanding (queued or leased) work items of the gpu queue. Empty: no scale rule (GPU replicas stay at gpuMinReplicas).')
param gpuQueueDepthQuery string = 'SELECT COUNT(*) FROM durable.tasks WHERE queue = \'gpu\''

var suffix = uniqueString(resourceGroup().id)
// Names other modules look resources up by: known before deployment, unlike outputs, so what-if can
// predict the resources that use them (the modules that create them are listed in dependsOn).
var identityName = '${namePrefix}-id'
var logAnalyticsName = '${namePrefix}-logs'
var taskHubDatabase = 'taskhub'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    name: identityName
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    name: logAnalyticsName
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    name: '${namePrefix}${suffix}'
    appIdentityName: identityName
    operatorPrincipalId: operatorPrincipalId
    tags: tags
  }
  dependsOn: [
    identity
  ]
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    location: location
    name: '${namePrefix}-pg-${suffix}'
    administratorLogin: postgresAdminLogin
    administratorPassword: postgresAdminPassword
    databaseName: taskHubDatabase
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    clientIpAddress: operatorIpAddress
    tags: tags
  }
}

module registryPull 'modules/registry-pull.bicep' = if (!empty(containerRegistryName)) {
  name: 'registry-pull'
  params: {
    registryName: containerRegistryName
    identityName: identityName
  }
  dependsOn: [
    identity
  ]
}

module environment 'modules/environment.bicep' = {
  name: 'environment'
  params: {
    location: location
    name: '${namePrefix}-env'
    logAnalyticsWorkspaceName: logAnalyticsName
    gpuWorkloadProfileType: gpuWorkloadProfileType
    tags: tags
  }
  dependsOn: [
    monitoring
  ]
}

// Npgsql keyword format; the password is single-quoted (quotes doubled) so ';' or '=' in it are safe.
// VerifyFull checks the server certificate against the image's CA store.
var taskHubConnectionString = 'Host=${postgres.outputs.host};Port=5432;Database=${taskHubDatabase};Username=${postgresAdminLogin};Password=\'${replace(postgresAdminPassword, '\'', '\'\'')}\';SSL Mode=VerifyFull'

// Settings every process needs (configuration keys of the host; `__` separates sections).
var sharedEnvironment environmentVariable[] = [
  {
    name: 'Storage__Kind'
    value: 'Blob'
  }
  {
    name: 'Storage__AccountUrl'
    value: storage.outputs.blobEndpoint
  }
  {
    // Picks the user-assigned identity for DefaultAzureCredential.
    name: 'AZURE_CLIENT_ID'
    value: identity.outputs.clientId
  }
  {
    name: 'TaskHub__Kind'
    value: 'Postgres'
  }
]

var registryServer = registryPull.?outputs.loginServer ?? ''

module serve 'modules/serve-app.bicep' = {
  name: 'serve-app'
  params: {
    location: location
    name: '${namePrefix}-serve'
    environmentId: environment.outputs.id
    image: cpuImage
    registryServer: registryServer
    identityId: identity.outputs.id
    environment: sharedEnvironment
    taskHubConnectionString: taskHubConnectionString
    dashboardApiKey: dashboardApiKey
    allowedIpRanges: dashboardAllowedIpRanges
    cpu: serveCpu
    memory: serveMemory
    tags: tags
  }
}

module gpuWorker 'modules/gpu-worker.bicep' = {
  name: 'gpu-worker'
  params: {
    location: location
    name: '${namePrefix}-gpu-worker'
    environmentId: environment.outputs.id
    workloadProfileName: environment.outputs.gpuProfileName
    image: gpuImage
    registryServer: registryServer
    identityId: identity.outputs.id
    environment: sharedEnvironment
    taskHubConnectionString: taskHubConnectionString
    taskHubHost: postgres.outputs.host
    taskHubDatabase: taskHubDatabase
    taskHubUser: postgresAdminLogin
    taskHubPassword: postgresAdminPassword
    queueDepthQuery: gpuQueueDepthQuery
    minReplicas: gpuMinReplicas
    maxReplicas: gpuMaxReplicas
    cpu: gpuWorkerCpu
    memory: gpuWorkerMemory
    tags: tags
  }
}

output dashboardUrl string = 'https://${serve.outputs.fqdn}'
output storageAccountName string = storage.outputs.name
output blobEndpoint string = storage.outputs.blobEndpoint
output taskHubHost string = postgres.outputs.host
output taskHubDatabase string = taskHubDatabase
output identityClientId string = identity.outputs.clientId
output serveAppName string = serve.outputs.name
output gpuWorkerAppName string = gpuWorker.outputs.name
