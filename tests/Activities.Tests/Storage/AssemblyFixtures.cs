using RankDistill.Testing;

// One Azurite for every blob test of this assembly, started before the first and stopped after the last.
[assembly: AssemblyFixture(typeof(AzuriteFixture))]
