using RankDistill.Testing;

// One PostgreSQL server for the whole test run, started by the first test that asks for a database.
[assembly: AssemblyFixture(typeof(PostgresFixture))]
