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
