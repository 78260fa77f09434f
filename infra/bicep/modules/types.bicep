// Types and helpers shared by main.bicep and the app modules (compile-time imports; deploys nothing).

@export()
@description('A plain (non-secret) environment variable for a container. Secrets are added by each app module as secretRef entries.')
type environmentVariable = {
  name: string
  value: string
}

@description('A registry a container app pulls from, authenticated with a user-assigned identity.')
type registryCredential = {
  server: string
  identity: string
}

@export()
@description('No registry credentials for a public image; one, using the managed identity, for a private registry.')
func registriesFor(server string, identityId string) registryCredential[] =>
  empty(server)
    ? []
    : [
        {
          server: server
          identity: identityId
        }
      ]

// Names DurableTask.AzureStorage gives a task hub's storage (AzureStorageOrchestrationService, 2.11): queues and
// containers are lower-cased, tables keep the hub's spelling. Shared by storage.bicep (which creates them) and
// gpu-worker.bicep (whose scale rules watch them), so the two cannot drift apart.

@export()
@description('The task hub that holds a queue\'s work (src/TaskHub/TaskQueues.cs): TaskHub__Name for the default queue, TaskHub__Name + queue otherwise.')
func taskHubFor(taskHubName string, queue string) string => queue == 'default' ? taskHubName : '${taskHubName}${queue}'

@export()
@description('Activity work items of a task hub: one queue that every worker of the hub takes from.')
func workItemQueueName(taskHub string) string => '${toLower(taskHub)}-workitems'

@export()
@description('Orchestration messages of a task hub: one control queue per partition, <hub>-control-00 upwards.')
func controlQueueNames(taskHub string, partitionCount int) string[] =>
  map(range(0, partitionCount), i => '${toLower(taskHub)}-control-${padLeft(i, 2, '0')}')

@export()
@description('Tables of a task hub: instances, history and partition leases (the table partition manager, the provider\'s default).')
func taskHubTableNames(taskHub string) string[] => [
  '${taskHub}Instances'
  '${taskHub}History'
  '${taskHub}Partitions'
]

@export()
@description('Blob containers of a task hub: the app lease (one active app per hub) and payloads too large for a queue message or table entity.')
func taskHubContainerNames(taskHub string) string[] => [
  '${toLower(taskHub)}-applease'
  '${toLower(taskHub)}-largemessages'
]
