using RankDistill.Testing;

// One Azurite (blob, queue, table) for the Azure Storage half of the conformance suite.
[assembly: AssemblyFixture(typeof(AzuriteFixture))]
