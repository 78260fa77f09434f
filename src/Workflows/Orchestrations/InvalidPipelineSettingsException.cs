namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// A pipeline's settings cannot make a run (a zero step count, a shard size below one, …). The message names each bad
/// setting. Never retried: the same settings would fail the same way.
/// </summary>
public sealed class InvalidPipelineSettingsException : Exception
{
    public InvalidPipelineSettingsException()
    {
    }

    public InvalidPipelineSettingsException(string message)
        : base(message)
    {
    }

    public InvalidPipelineSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
