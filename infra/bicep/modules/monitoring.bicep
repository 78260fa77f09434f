// Log Analytics: where the Container Apps environment sends console logs and system events.

@description('Azure region.')
param location string

@description('Workspace name.')
param name string

@description('Days to keep logs (30 is the free retention).')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

@description('Tags for every resource.')
param tags { *: string }

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

// No outputs: the shared key must not be one (outputs are kept in deployment history in clear text),
// so environment.bicep looks the workspace up by name and reads the key itself.
