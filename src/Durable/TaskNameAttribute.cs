namespace RankDistill.Durable;

/// <summary>
/// Names an orchestrator or activity explicitly. Without it the class name is the name; set one
/// when a class is renamed so that running instances keep finding it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TaskNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;

    internal static string Of(Type type) =>
        type.GetCustomAttributes(typeof(TaskNameAttribute), inherit: false) is [TaskNameAttribute attribute, ..]
            ? attribute.Name
            : type.Name;
}
