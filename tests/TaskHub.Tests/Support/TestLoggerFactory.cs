using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>
/// Warnings and errors of the runtime and the providers into the current test's output, for failures
/// (TASKHUB_TEST_LOG=Debug for everything).
/// </summary>
public sealed class TestLoggerFactory : ILoggerFactory
{
    private static readonly LogLevel _minimum = Enum.TryParse(Environment.GetEnvironmentVariable("TASKHUB_TEST_LOG"), out LogLevel level) ? level : LogLevel.Warning;

    public static readonly TestLoggerFactory Instance = new();

    public ILogger CreateLogger(string categoryName) => new OutputLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class OutputLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            try
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished: a background dispatcher outlived it.
            }
        }
    }
}
