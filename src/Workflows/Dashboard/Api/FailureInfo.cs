using System.Text.Json.Serialization;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>Why something failed: exception type, message, stack trace and the failure that caused it, secrets scrubbed.</summary>
public sealed record FailureInfo(string ErrorType, string Message, string? StackTrace, FailureInfo? Inner)
{
    /// <summary>The innermost failure: usually the real cause.</summary>
    [JsonIgnore]
    public FailureInfo Root => Inner?.Root ?? this;
}
