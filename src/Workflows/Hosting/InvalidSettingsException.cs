namespace RankDistill.Workflows.Hosting;

/// <summary>
/// One or more settings have values the host cannot use. Each line of <see cref="Errors"/> names the full setting
/// key, the value given (secrets redacted), where it came from, and what the setting accepts.
/// </summary>
public sealed class InvalidSettingsException : Exception
{
    public InvalidSettingsException(IReadOnlyList<string> errors)
        : base("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
    {
        Errors = errors;
    }

    public InvalidSettingsException() => Errors = [];

    public InvalidSettingsException(string message) : base(message) => Errors = [message];

    public InvalidSettingsException(string message, Exception inner) : base(message, inner) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
