// The one user-assigned identity that both container apps (and the GPU worker's KEDA scale rules) run
// as: it reads and writes blobs and the task hubs' queues and tables (role assignments in storage.bicep)
// and pulls images (registry-pull.bicep). No control-plane roles.

@description('Azure region.')
param location string

@description('Identity name.')
param name string

@description('Tags for every resource.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
