namespace RankDistill.Durable;

/// <summary>
/// The orchestration code, replayed over its history, made a different call than the history
/// holds (or none): its code changed in an incompatible way, or it uses a non-deterministic API.
/// The message says what the code did and what the history holds.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException()
    {
    }

    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
