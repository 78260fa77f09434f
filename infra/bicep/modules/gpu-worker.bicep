// GPU workers: `worker --queues gpu` on the environment's GPU profile, serving the gpu task hub
// (TaskHub__Name + gpu) and nothing else, scaled 0..maxReplicas by KEDA's azure-queue scaler on that
// hub's queues in the storage account:
//   - <hub>-workitems holds the GPU activities (training steps): one replica per queued or running step.
//     A running step's message stays in the queue, invisible, while its worker renews it, so the rules
//     count invisible messages too (queueLengthStrategy 'all'): counting visible ones only would scale a
//     training replica away after the cooldown.
//   - <hub>-control-NN hold the gpu hub's orchestration messages. The default hub's worker (in `serve`)
//     starts a GpuStep orchestration there for each GPU step, and only a GPU worker turns it into a
//     work item: without these rules no replica would ever start from zero.
// Training survives scale-in and restarts: a stopping worker hands its step back (or, if killed, the
// message reappears after TaskHub__LockDuration) and the next replica resumes from the last checkpoint.

import { controlQueueNames, environmentVariable, registriesFor, workItemQueueName } from 'types.bicep'

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

@description('Resource id of the user-assigned identity the app runs as; the scale rules read the queues with it too (Storage Queue Data Contributor on the account, storage.bicep).')
param identityId string

@description('Settings shared with the serve app (storage, identity, task hub).')
param environment environmentVariable[]

@description('Storage account that holds the task hubs.')
param storageAccountName string

@description('The gpu queue\'s task hub (types.bicep taskHubFor(TaskHub__Name, \'gpu\')).')
param gpuTaskHubName string

@description('Control-queue partitions of the task hub (TaskHub__PartitionCount).')
@minValue(1)
@maxValue(16)
param taskHubPartitionCount int

@description('Work items one replica takes at a time (one training run per GPU).')
@minValue(1)
param itemsPerReplica int = 1

@description('Replicas kept when the queues are empty: 0 costs nothing while idle, 1 avoids a cold start.')
@minValue(0)
param minReplicas int = 0

@description('Most replicas (bounded by the subscription\'s GPU quota).')
@minValue(1)
param maxReplicas int = 2

@description('vCPUs per replica; must fit the GPU profile (Consumption-GPU-NC8as-T4: 8).')
param cpu string = '8'

@description('Memory per replica; must fit the GPU profile (Consumption-GPU-NC8as-T4: 56Gi).')
param memory string = '56Gi'

@description('Seconds a stopping replica gets after SIGTERM to checkpoint and hand its step back.')
@minValue(0)
@maxValue(600)
param terminationGracePeriodSeconds int = 300

@description('Tags for every resource.')
param tags { *: string }

// A scale rule as Microsoft.App/containerApps defines it, so the compiler checks the rules below.
type scaleRule = resourceInput<'Microsoft.App/containerApps@2025-07-01'>.properties.template.scale.rules[*]

// replicas = ceil(messages / queueLength), the highest over all rules; any message wakes the app from
// zero (activationQueueLength 0). The identity must be one the app runs as.
var workItemRule scaleRule = {
  name: 'gpu-work-items'
  custom: {
    type: 'azure-queue'
    metadata: {
      accountName: storageAccountName
      queueName: workItemQueueName(gpuTaskHubName)
      queueLength: string(itemsPerReplica)
      queueLengthStrategy: 'all'
      activationQueueLength: '0'
    }
    identity: identityId
  }
}

var controlRules scaleRule[] = [
  for (queueName, i) in controlQueueNames(gpuTaskHubName, taskHubPartitionCount): {
    name: 'gpu-control-${padLeft(i, 2, '0')}'
    custom: {
      type: 'azure-queue'
      metadata: {
        accountName: storageAccountName
        queueName: queueName
        queueLength: string(itemsPerReplica)
        queueLengthStrategy: 'all'
        activationQueueLength: '0'
      }
      identity: identityId
    }
  }
]

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
      // No ingress and no secrets: workers only pull work from the task hub, as the identity.
      registries: registriesFor(registryServer, identityId)
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
        rules: concat([workItemRule], controlRules)
      }
    }
  }
}

output name string = app.name
