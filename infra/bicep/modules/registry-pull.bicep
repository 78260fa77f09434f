// Lets the apps' identity pull images from an existing Azure Container Registry in this resource
// group (AcrPull on that registry only). Used when main.bicep gets containerRegistryName.

@description('Name of an existing container registry in this resource group.')
param registryName string

@description('Name of the apps\' user-assigned identity in this resource group.')
param identityName string

var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

// By name, so the assignment's name is known before deployment (see storage.bicep).
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: registry
  name: guid(registry.id, identity.id, acrPull)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
  }
}

output loginServer string = registry.properties.loginServer
