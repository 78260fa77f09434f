using Microsoft.Extensions.DependencyInjection;

namespace RankDistill.Durable;

/// <summary>The orchestrators and activities this process can run, by name. Built once at start
/// by <c>AddDurableTask</c>; instances are made per execution from the container.</summary>
internal sealed class TaskRegistry
{
    private readonly Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> _activities = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> OrchestratorNames => _orchestrators.Keys;

    public IReadOnlyCollection<string> ActivityNames => _activities.Keys;

    public void AddOrchestrator(string name, Func<IServiceProvider, ITaskOrchestrator> factory) =>
        Add(_orchestrators, name, factory, "orchestrator");

    public void AddActivity(string name, Func<IServiceProvider, ITaskActivity> factory) =>
        Add(_activities, name, factory, "activity");

    public bool TryCreateOrchestrator(string name, IServiceProvider services, out ITaskOrchestrator orchestrator) =>
        TryCreate(_orchestrators, name, services, out orchestrator);

    public bool TryCreateActivity(string name, IServiceProvider services, out ITaskActivity activity) =>
        TryCreate(_activities, name, services, out activity);

    private static void Add<T>(Dictionary<string, Func<IServiceProvider, T>> map, string name, Func<IServiceProvider, T> factory, string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!map.TryAdd(name, factory))
            throw new InvalidOperationException($"An {kind} named '{name}' is already registered; names must be unique (use [TaskName] to rename one).");
    }

    private static bool TryCreate<T>(Dictionary<string, Func<IServiceProvider, T>> map, string name, IServiceProvider services, out T value)
        where T : class
    {
        if (map.TryGetValue(name, out var factory))
        {
            value = factory(services);
            return true;
        }
        value = null!;
        return false;
    }

    /// <summary>A factory that resolves <typeparamref name="T"/> from the container, or builds it
    /// with constructor injection when it is not registered.</summary>
    public static Func<IServiceProvider, TBase> FromContainer<T, TBase>() where T : class, TBase =>
        services => services.GetService<T>() ?? ActivatorUtilities.CreateInstance<T>(services);
}
