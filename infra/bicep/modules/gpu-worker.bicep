// GPU workers: `worker --queues gpu` on the environment's GPU profile, scaled by KEDA on the number of
// outstanding work items in the task hub's `gpu` queue (0..maxReplicas). Training survives scale-in
// and restarts because activities checkpoint and hold heartbeat leases: a replica that goes away
// loses its lease and the next one resumes from the last checkpoint.

import { environmentVariable, registriesFor } from 'types.bicep'

@description('Azure region.')
param location string

@description('Container app name.')
param name string

@description('Container Apps environment id.')
param environmentId string

@description('Name of the environment\'s GPU workload profile.')
param workloadProfileName string

@description('Image with the CUDA build of the host (TorchBackend=cuda).')
param image string

@description('Login server of the registry the image comes from; empty for a public image.')
param registryServer string = ''

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Settings shared with the serve app (storage, identity, task hub kind).')
param environment environmentVariable[]

@description('Npgsql connection string of the task hub.')
@secure()
param taskHubConnectionString string

@description('Task hub server, database and login, for the KEDA scale rule (it connects on its own).')
param taskHubHost string

@description('Task hub database name.')
param taskHubDatabase string

@description('Task hub login.')
param taskHubUser string

@description('Task hub password, for the KEDA scale rule.')
@secure()
param taskHubPassword string

@description('SQL returning one number: outstanding (queued or leased) work items on the gpu queue. Empty: no scale rule, the app keeps minReplicas.')
param queueDepthQuery string

@description('Work items one replica takes at a time (one training run per GPU).')
@minValue(1)
param itemsPerReplica int = 1

@description('Replicas kept when the queue is empty: 0 costs nothing while idle, 1 avoids a cold start.')
@minValue(0)
param minReplicas int = 0

@description('Most replicas (bounded by the subscription\'s GPU quota).')
@minValue(1)
param maxReplicas int = 2

@description('vCPUs per replica; must fit the GPU profile (Consumption-GPU-NC8as-T4: 8).')
param cpu string = '8'

@description('Memory per replica; must fit the GPU profile (Consumption-GPU-NC8as-T4: 56Gi).')
param memory string = '56Gi'

@description('Seconds a stopping replica gets after SIGTERM to checkpoint and release its lease.')
@minValue(0)
@maxValue(600)
param terminationGracePeriodSeconds int = 300

@description('Tags for every resource.')
param tags { *: string }

// KEDA's postgresql scaler: replicas = ceil(query result / targetQueryValue); activation above 0
// wakes the app from zero replicas. Counting leased items too keeps a replica alive while it trains.
var queueDepthRule = {
  name: 'gpu-queue-depth'
  custom: {
    type: 'postgresql'
    metadata: {
      host: taskHubHost
      port: '5432'
      userName: taskHubUser
      dbName: taskHubDatabase
      sslmode: 'require'
      query: queueDepthQuery
      targetQueryValue: string(itemsPerReplica)
      activationTargetQueryValue: '0'
    }
    auth: [
      {
        secretRef: 'taskhub-password'
        triggerParameter: 'password'
      }
    ]
  }
}

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
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      // No ingress: workers only pull work from the task hub.
      registries: registriesFor(registryServer, identityId)
      secrets: [
        {
          name: 'taskhub-connection'
          value: taskHubConnectionString
        }
        {
          name: 'taskhub-password'
          value: taskHubPassword
        }
      ]
    }
    template: {
      terminationGracePeriodSeconds: terminationGracePeriodSeconds
      containers: [
        {
          name: 'gpu-worker'
          image: image
          args: [
            'worker'
            '--queues'
            'gpu'
          ]
          env: concat(environment, [
            // cuda, not auto: a worker that lost its GPU should fail loudly, not train for days on CPU.
            {
              name: 'Torch__Device'
              value: 'cuda'
            }
            {
              name: 'TaskHub__ConnectionString'
              secretRef: 'taskhub-connection'
            }
          ])
          resources: {
            cpu: json(cpu)
            memory: memory
          }
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        pollingInterval: 30
        // Long enough that a pipeline moving from one GPU step to the next keeps its warm replica.
        cooldownPeriod: 600
        rules: empty(queueDepthQuery) ? [] : [queueDepthRule]
      }
    }
  }
}

output name string = app.name
