using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace RankDistill.Activities.Tests.Storage;

/// <summary>
/// A FAKE, for the one fault a real Azurite cannot produce: answers the first <paramref name="failures"/> requests with
/// HTTP 503 ServerBusy without sending them. Placed after the SDK's retry policy, so the store's real retry settings
/// decide what happens next; every other request reaches Azurite.
/// </summary>
internal sealed class ServiceUnavailablePolicy(int failures) : HttpPipelinePolicy
{
    private int _seen;

    public int Faked => Math.Min(_seen, failures);

    public int Requests => _seen;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!Fake(message))
            ProcessNext(message, pipeline);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!Fake(message))
            await ProcessNextAsync(message, pipeline);
    }

    private bool Fake(HttpMessage message)
    {
        if (Interlocked.Increment(ref _seen) > failures)
            return false;
        message.Response = new ServerBusyResponse(message.Request.ClientRequestId);
        return true;
    }

    private sealed class ServerBusyResponse(string clientRequestId) : Response
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase)
        {
            ["x-ms-error-code"] = "ServerBusy",
            ["Content-Length"] = "0",
        };

        public override int Status => 503;

        // The transport policy would classify the response; this one never reaches it.
        public override bool IsError => true;

        public override string ReasonPhrase => "Service Unavailable";

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
            _headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = _headers.TryGetValue(name, out var value) ? [value] : null;
            return values is not null;
        }
    }
}
