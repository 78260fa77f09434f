using Azure;
using Azure.Identity;

namespace RankDistill.Activities.Storage;

/// <summary>Turns what the Azure SDK throws (after its own retries) into <see cref="ArtifactStoreException"/>.</summary>
internal static class BlobFailures
{
    /// <summary>Failures of the service, the network or authentication; anything else is a bug and passes through.</summary>
    public static bool IsStorageFailure(Exception e) => e switch
    {
        RequestFailedException or AuthenticationFailedException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(i => IsStorageFailure(i) || IsNetworkTimeout(i)),
        _ => false,
    };

    // Azure.Core ends an attempt that outlives Retry.NetworkTimeout with a TaskCanceledException; inside the retry
    // policy's AggregateException it is a silent server, not the caller's cancellation (which is thrown bare).
    private static bool IsNetworkTimeout(Exception e) => e is TaskCanceledException;

    public static ArtifactStoreException ToException(string store, string operation, string? name, Exception e)
    {
        switch (e)
        {
            case RequestFailedException r:
                return new(store, operation, name, Detail(r), r) { Status = r.Status, ErrorCode = r.ErrorCode };
            case AggregateException { InnerExceptions: [.., RequestFailedException last] } a:
                // The retry policy gave up; the last attempt says most.
                return new(store, operation, name, $"{Detail(last)} (gave up after {a.InnerExceptions.Count} attempts)", a)
                {
                    Status = last.Status,
                    ErrorCode = last.ErrorCode,
                };
            case AggregateException { InnerExceptions: [.., TaskCanceledException last] } a:
                return new(store, operation, name, $"no response: {FirstLine(last.Message)} (gave up after {a.InnerExceptions.Count} attempts)", a);
            case AuthenticationFailedException:
                return new(store, operation, name, $"could not authenticate: {FirstLine(e.Message)}", e);
            default:
                return new(store, operation, name, FirstLine(e.Message), e);
        }
    }

    private static string Detail(RequestFailedException r) => r.Status == 0
        ? $"no response: {FirstLine(r.InnerException?.Message ?? r.Message)}"
        : $"HTTP {r.Status}{(r.ErrorCode is null ? "" : " " + r.ErrorCode)}: {FirstLine(r.Message)}";

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
