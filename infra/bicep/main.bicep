// RankDistill on Azure: one resource group holding
//   - a storage account with the clicklogs, labels, models and runs containers (artifacts) and the
//     task hubs (DurableTask.AzureStorage: queues, tables and blob containers; taskHubName for the
//     default queue, taskHubName + 'gpu' for the gpu queue),
//   - a Container Apps environment with a GPU workload profile, running
//       `serve`  (dashboard + click-log watcher + default-queue worker) on the Consumption profile, and
//       `worker --queues gpu` on the GPU profile, scaled by KEDA on the gpu task hub's queues,
//   - one user-assigned identity with data-plane roles only (blob containers, the account's queue and
//     table data, optional AcrPull),
//   - a Log Analytics workspace for the apps' logs.
// Deploy: see the README ("Deploying to Azure"). Required parameters: the two images and the dashboard key.

import { environmentVariable, taskHubFor } from 'modules/types.bicep'

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

@description('Task hub name (TaskHub__Name): the default queue\'s hub; the gpu queue\'s is this name + gpu. 3 to 42 letters and digits, starting with a letter; queues, tables and containers are named after it.')
@minLength(3)
@maxLength(42)
param taskHubName string = 'rankdistill'

@description('Control-queue partitions of each task hub (TaskHub__PartitionCount): how many processes can run orchestrations at once. Fixed once the hubs exist.')
@minValue(1)
@maxValue(16)
param taskHubPartitionCount int = 4

@description('Optional Entra object id of a person or group who uploads drops and labels (write clicklogs/labels, read models/runs). Empty: none.')
param operatorPrincipalId string = ''

@description('Also give operatorPrincipalId the task hubs\' data roles (queues and tables of the account, the hubs\' containers), to run `submit`/`status` from a workstation.')
param operatorTaskHubAccess bool = false

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

@description('GPU replicas kept when the gpu task hub\'s queues are empty: 0 costs nothing while idle, 1 avoids a cold start.')
@minValue(0)
@maxValue(1)
param gpuMinReplicas int = 0

@description('Most GPU replicas; the subscription needs that much serverless GPU quota.')
@minValue(1)
@maxValue(30)
param gpuMaxReplicas int = 2

var suffix = uniqueString(resourceGroup().id)
// Names other modules look resources up by: known before deployment, unlike outputs, so what-if can
// predict the resources that use them (the modules that create them are listed in dependsOn).
var identityName = '${namePrefix}-id'
var logAnalyticsName = '${namePrefix}-logs'
var gpuTaskHubName = taskHubFor(taskHubName, 'gpu')

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
    taskHubNames: [
      taskHubFor(taskHubName, 'default')
      gpuTaskHubName
    ]
    taskHubPartitionCount: taskHubPartitionCount
    operatorPrincipalId: operatorPrincipalId
    operatorTaskHubAccess: operatorTaskHubAccess
    tags: tags
  }
  dependsOn: [
    identity
  ]
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
  // The task hubs (src/Workflows/Hosting/TaskHubSettings.cs), in the same account, signed in to as the
  // identity: no connection string or key anywhere.
  {
    name: 'TaskHub__Kind'
    value: 'AzureStorage'
  }
  {
    name: 'TaskHub__AccountName'
    value: storage.outputs.name
  }
  {
    name: 'TaskHub__Name'
    value: taskHubName
  }
  {
    name: 'TaskHub__PartitionCount'
    value: string(taskHubPartitionCount)
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
    storageAccountName: storage.outputs.name
    gpuTaskHubName: gpuTaskHubName
    taskHubPartitionCount: taskHubPartitionCount
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
output taskHubName string = taskHubName
output gpuTaskHubName string = gpuTaskHubName
output identityClientId string = identity.outputs.clientId
output serveAppName string = serve.outputs.name
output gpuWorkerAppName string = gpuWorker.outputs.name
