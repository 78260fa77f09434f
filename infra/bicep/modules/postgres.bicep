// The durable task hub: Azure Database for PostgreSQL flexible server with one database.
//
// Network: a public endpoint that requires TLS (require_secure_transport is on by default; it is not
// re-set here because a configuration write right after creation often fails with ServerIsBusy) behind
// a firewall that admits only Azure-hosted clients (the 0.0.0.0 rule) and, optionally, one operator
// address. Private VNet access would be tighter, but Container Apps runs KEDA scale rules outside the
// environment's VNet, so the GPU worker's queue-depth rule (gpu-worker.bicep) could not reach a private
// server; the README explains the trade-off. Authentication is by password (a @secure parameter, kept
// as a Container Apps secret).

@description('Azure region.')
param location string

@description('Server name: globally unique, 3-63 lowercase letters, digits and hyphens.')
@minLength(3)
@maxLength(63)
param name string

@description('Administrator login; the apps connect as this user.')
param administratorLogin string

@description('Administrator password (8-128 characters, three of: upper, lower, digit, symbol).')
@secure()
param administratorPassword string

@description('Database that holds the task hub tables.')
param databaseName string

@description('Compute size. The task hub is small: a burstable B1ms carries a handful of workers; use GeneralPurpose (e.g. Standard_D2ds_v5) for many.')
param skuName string = 'Standard_B1ms'

@description('Compute tier matching skuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

@description('PostgreSQL major version.')
@allowed([
  '15'
  '16'
  '17'
])
param version string = '16'

@description('Storage size in GiB.')
@minValue(32)
param storageSizeGB int = 32

@description('Optional public IPv4 address of an operator who runs `submit`/`status` from a laptop. Empty: none.')
param clientIpAddress string = ''

@description('Tags for every resource.')
param tags { *: string }

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// The server takes one change at a time (parallel child writes fail with ServerIsBusy), so the
// children below are chained with dependsOn: database, then the firewall rules.

// 0.0.0.0-0.0.0.0 is Azure's convention for "connections from Azure services"; the password and TLS
// still apply. Container Apps on the consumption plan have no fixed outbound address to list instead.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    database
  ]
}

resource allowOperator 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = if (!empty(clientIpAddress)) {
  parent: server
  name: 'AllowOperator'
  properties: {
    startIpAddress: clientIpAddress
    endIpAddress: clientIpAddress
  }
  dependsOn: [
    allowAzure
  ]
}

output host string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
