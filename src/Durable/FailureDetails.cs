using System.Text.Json.Serialization;

namespace RankDistill.Durable;

/// <summary>Why a call or an instance failed: exception type, message and stack trace, with the
/// failure that caused it. Stored as JSON, so it survives when the exception type does not exist
/// in the reading process.</summary>
public sealed record FailureDetails(string ErrorType, string Message, string? StackTrace = null, FailureDetails? Inner = null)
{
    /// <summary>Set when an item was dispatched too many times without completing; such a
    /// failure fails its instance and is never retried.</summary>
    [JsonInclude]
    public bool IsPoison { get; init; }

    /// <summary>True when this failure or one of its inner failures has the given type full name.</summary>
    public bool IsCausedBy(string errorType)
    {
        for (var f = this; f is not null; f = f.Inner)
        {
            if (f.ErrorType == errorType)
                return true;
        }
        return false;
    }

    /// <inheritdoc cref="IsCausedBy(string)"/>
    public bool IsCausedBy<TException>() where TException : Exception => IsCausedBy(typeof(TException).FullName!);

    public static FailureDetails FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
            exception = aggregate.InnerExceptions[0];
        var inner = exception switch
        {
            TaskFailedException failed => failed.FailureDetails,
            { InnerException: { } e } => FromException(e),
            _ => null,
        };
        return new FailureDetails(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.StackTrace, inner);
    }

    public override string ToString() =>
        Inner is null ? $"{ErrorType}: {Message}" : $"{ErrorType}: {Message} ---> {Inner}";
}
