namespace RankDistill.Workflows.Dashboard;

/// <summary>An action's request body is over the dashboard's limit (answered 413).</summary>
internal sealed class RequestBodyTooLargeException : Exception
{
    public RequestBodyTooLargeException()
    {
    }

    public RequestBodyTooLargeException(string message)
        : base(message)
    {
    }

    public RequestBodyTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
