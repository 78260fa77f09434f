using RankDistill.Testing;

// One Azurite for the blob tests of this assembly (the pipeline end to end on Blob Storage).
[assembly: AssemblyFixture(typeof(AzuriteFixture))]
