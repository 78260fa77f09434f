// The `serve` app on the Consumption profile: dashboard (HTTPS ingress on 8080), click-log watcher
// and a worker for the default queue, all in one process. One replica: the dashboard is light, and a
// second watcher would only repeat work that the task hub's instance-id reuse policy already dedupes.

import { environmentVariable, registriesFor } from 'types.bicep'

@description('Azure region.')
param location string

@description('Container app name.')
param name string

@description('Container Apps environment id.')
param environmentId string

@description('Image with the CPU build of the host (TorchBackend=cpu).')
param image string

@description('Login server of the registry the image comes from; empty for a public image.')
param registryServer string = ''

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Settings shared with the workers (storage, identity, task hub).')
param environment environmentVariable[]

@description('Key the dashboard requires on every request (it listens on a public address).')
@secure()
param dashboardApiKey string

@description('CIDR ranges allowed to reach the dashboard; empty allows everyone (the API key still applies).')
param allowedIpRanges string[] = []

@description('vCPUs (Consumption profile: 0.25-4, memory twice the vCPUs in GiB).')
param cpu string = '2'

@description('Memory, for example 4Gi.')
param memory string = '4Gi'

// One port for the ingress and the host: the image EXPOSEs it, the host listens on it through Dashboard__Urls.
var dashboardPort = 8080

@description('Tags for every resource.')
param tags { *: string }

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: dashboardPort
        transport: 'http'
        allowInsecure: false
        ipSecurityRestrictions: [
          for (range, i) in allowedIpRanges: {
            name: 'allow-${i}'
            action: 'Allow'
            ipAddressRange: range
          }
        ]
      }
      registries: registriesFor(registryServer, identityId)
      secrets: [
        {
          name: 'dashboard-api-key'
          value: dashboardApiKey
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'serve'
          image: image
          args: [
            'serve'
          ]
          env: concat(environment, [
            // The host binds to loopback unless told otherwise; ingress needs every interface. The host reads
            // Dashboard:Urls only (never ASPNETCORE_URLS), and requires the key below on a public address.
            {
              name: 'Dashboard__Urls'
              value: 'http://+:${dashboardPort}'
            }
            {
              name: 'Torch__Device'
              value: 'cpu'
            }
            {
              name: 'Dashboard__ApiKey'
              secretRef: 'dashboard-api-key'
            }
          ])
          resources: {
            cpu: json(cpu)
            memory: memory
          }
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
output name string = app.name
