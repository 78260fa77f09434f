// The Container Apps environment (workload-profiles type): the built-in Consumption profile for the
// `serve` app and one GPU profile for the GPU workers. Logs go to the Log Analytics workspace.

@description('Azure region. Serverless GPUs exist only in some regions (see the README).')
param location string

@description('Environment name.')
param name string

@description('Name of the Log Analytics workspace (monitoring.bicep) in this resource group.')
param logAnalyticsWorkspaceName string

@description('GPU profile type. Consumption-GPU-* are serverless (per-second billing, scale to zero); NC*-A100 are dedicated nodes.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
  'NC24-A100'
  'NC48-A100'
  'NC96-A100'
])
param gpuWorkloadProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Dedicated GPU profiles only: most nodes the profile may hold (ignored for serverless).')
@minValue(1)
param gpuMaximumNodes int = 1

@description('Tags for every resource.')
param tags { *: string }

// The name apps use in `workloadProfileName` to land on the GPU profile.
var gpuProfileName = 'gpu'
var gpuIsServerless = startsWith(gpuWorkloadProfileType, 'Consumption-')

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        // Read here rather than passed in, so the key never appears as a deployment output or parameter.
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      gpuIsServerless
        ? {
            name: gpuProfileName
            workloadProfileType: gpuWorkloadProfileType
          }
        : {
            name: gpuProfileName
            workloadProfileType: gpuWorkloadProfileType
            // Nodes are billed while they exist: 0 lets an idle profile cost nothing.
            minimumCount: 0
            maximumCount: gpuMaximumNodes
          }
    ]
  }
}

output id string = environment.id
output name string = environment.name
output gpuProfileName string = gpuProfileName
