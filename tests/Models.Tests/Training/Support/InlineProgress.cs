namespace RankDistill.Models.Tests.Training.Support;

/// <summary>Runs the callback on the reporting thread, at once (Progress&lt;T&gt; would post it to the thread pool).</summary>
public sealed class InlineProgress<T>(Action<T> onReport) : IProgress<T>
{
    public void Report(T value) => onReport(value);
}
