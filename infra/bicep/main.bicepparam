// Deployment parameters read from the environment, so no secret is ever written to a file:
//   export RANKDISTILL_CPU_IMAGE=... RANKDISTILL_GPU_IMAGE=... RANKDISTILL_REGISTRY=...
//   export RANKDISTILL_DASHBOARD_KEY=...
//   az deployment group create -g <group> -f infra/bicep/main.bicep -p infra/bicep/main.bicepparam
// Any other parameter of main.bicep can be added here or given after -p as name=value.
using 'main.bicep'

param cpuImage = readEnvironmentVariable('RANKDISTILL_CPU_IMAGE')
param gpuImage = readEnvironmentVariable('RANKDISTILL_GPU_IMAGE')
param containerRegistryName = readEnvironmentVariable('RANKDISTILL_REGISTRY', '')
param dashboardApiKey = readEnvironmentVariable('RANKDISTILL_DASHBOARD_KEY')
param operatorPrincipalId = readEnvironmentVariable('RANKDISTILL_OPERATOR_ID', '')
// "true": the operator may also use the task hubs (run the CLI from a workstation).
param operatorTaskHubAccess = bool(readEnvironmentVariable('RANKDISTILL_OPERATOR_TASKHUB', 'false'))
