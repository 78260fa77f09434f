using System.Net;

namespace RankDistill.Workflows.Dashboard;

/// <summary>A dashboard's JSON API refused a request or could not be reached; the message says what to do about it.</summary>
public sealed class DashboardApiException : Exception
{
    public DashboardApiException()
    {
    }

    public DashboardApiException(string message)
        : base(message)
    {
    }

    public DashboardApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DashboardApiException(HttpStatusCode status, string message)
        : base(message) => Status = status;

    /// <summary>The HTTP status, when the host answered.</summary>
    public HttpStatusCode? Status { get; }
}
