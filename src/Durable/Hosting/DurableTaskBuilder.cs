using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Postgres;
using RankDistill.Durable.Sqlite;
using RankDistill.Durable.Worker;

namespace RankDistill.Durable.Hosting;

/// <summary>Registers orchestrators, activities and the backend (see <see cref="DurableTaskServiceCollectionExtensions.AddDurableTask"/>).</summary>
public sealed class DurableTaskBuilder
{
    private readonly TaskRegistry _registry;

    internal DurableTaskBuilder(IServiceCollection services, TaskRegistry registry)
    {
        Services = services;
        _registry = registry;
    }

    public IServiceCollection Services { get; }

    /// <summary>Registers <typeparamref name="T"/> under its <see cref="TaskNameAttribute"/> or class name.</summary>
    public DurableTaskBuilder AddOrchestrator<T>() where T : class, ITaskOrchestrator
    {
        Services.TryAddTransient<T>();
        _registry.AddOrchestrator(TaskNameAttribute.Of(typeof(T)), TaskRegistry.FromContainer<T, ITaskOrchestrator>());
        return this;
    }

    /// <summary>Registers an orchestrator written as a function.</summary>
    public DurableTaskBuilder AddOrchestrator<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
    {
        var orchestrator = new FuncOrchestrator<TInput, TOutput>(run);
        _registry.AddOrchestrator(name, _ => orchestrator);
        return this;
    }

    /// <summary>Registers <typeparamref name="T"/> under its <see cref="TaskNameAttribute"/> or class
    /// name; it is resolved from a new scope for every execution.</summary>
    public DurableTaskBuilder AddActivity<T>() where T : class, ITaskActivity
    {
        Services.TryAddTransient<T>();
        _registry.AddActivity(TaskNameAttribute.Of(typeof(T)), TaskRegistry.FromContainer<T, ITaskActivity>());
        return this;
    }

    /// <summary>Registers an activity written as a function.</summary>
    public DurableTaskBuilder AddActivity<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> run)
    {
        var activity = new FuncActivity<TInput, TOutput>(run);
        _registry.AddActivity(name, _ => activity);
        return this;
    }

    /// <summary>Keeps the task hub in a SQLite file.</summary>
    public DurableTaskBuilder UseSqlite(string path) => UseSqlite(o => o.Path = path);

    /// <inheritdoc cref="UseSqlite(string)"/>
    public DurableTaskBuilder UseSqlite(Action<SqliteBackendOptions> configure)
    {
        Services.Configure(configure);
        return UseBackend(sp => ActivatorUtilities.CreateInstance<SqliteBackend>(sp));
    }

    /// <summary>Keeps the task hub in PostgreSQL, shared by worker processes on any number of machines.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Further settings (schema name, notifications, retries).</param>
    public DurableTaskBuilder UsePostgres(string connectionString, Action<PostgresBackendOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Services.Configure<PostgresBackendOptions>(o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
        // The listener sets this process's wake-ups, so the backend is built with the engine's WorkSignal.
        return UseBackend(sp => new PostgresBackend(sp.GetRequiredService<IOptions<PostgresBackendOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<WorkSignal>(), sp.GetRequiredService<ILoggerFactory>()));
    }

    /// <summary>Uses another backend (it must pass the conformance suite).</summary>
    public DurableTaskBuilder UseBackend(Func<IServiceProvider, IDurableBackend> factory)
    {
        Services.RemoveAll<IDurableBackend>();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Payload limit and JSON settings.</summary>
    public DurableTaskBuilder Configure(Action<DurableTaskOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }
}
