namespace RankDistill.Workflows.Cli;

/// <summary>What the host's exit status means.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command failed, or the command line could not be parsed (System.CommandLine's code too).</summary>
    public const int Failure = 1;

    /// <summary>A setting has a value the host cannot use; stderr names it, its value and what it accepts.</summary>
    public const int InvalidConfiguration = 2;
}
