using DurableTask.Core.History;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// Which scheduled calls in one history are attempts of one call, and which timers are retry waits, read from the
/// events DurableTask.Core's retry policy leaves (its <c>RetryInterceptor</c>). An episode is the run of events from
/// one <see cref="OrchestratorStartedEvent"/> to the next: the results delivered to the orchestration, then what it did
/// with them. A failed attempt is delivered in an episode that creates the retry delay's timer; the episode that
/// delivers that timer's firing schedules the next attempt. After the last attempt the interceptor still creates a
/// timer, due at once (the orchestration's clock, which is its episode's start), and then no attempt follows. So:
/// <list type="bullet">
/// <item>timers created in an episode that received failures belong to those failures, in the order received (the
/// orchestration reacts to each result as it is delivered); failures marked non-retriable get no timer and are skipped;</item>
/// <item>a call scheduled in an episode where such a timer fired, of the failed call's kind and name, is its next
/// attempt, in the order the timers fired;</item>
/// <item>such a timer due no later than its episode's start is the wait after a last attempt (a retry always waits).</item>
/// </list>
/// This assumes an orchestration makes no timers of its own in an episode that received a failure; ours do not. When an
/// episode receives a failure that is not retried (no timer) with one that is, the timer goes to the first received:
/// in a fan-out that can give a retry to the wrong shard, while the shard counts stay right.
/// </summary>
internal sealed class RetryLinks
{
    private readonly Dictionary<int, int> _failedCallOfTimer = [];
    private readonly Dictionary<int, int> _previousAttempt = [];
    private readonly Dictionary<int, int> _nextAttempt = [];
    private readonly HashSet<int> _waitsAfterLastAttempt = [];

    private RetryLinks()
    {
    }

    public static RetryLinks Read(IEnumerable<HistoryEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var links = new RetryLinks();
        var calls = new Dictionary<int, (bool IsActivity, string Name)>();
        var episode = new Episode();
        foreach (var e in history)
        {
            switch (e)
            {
                case OrchestratorStartedEvent started:
                    links.Close(episode, calls);
                    episode = new Episode { StartedAt = started.Timestamp };
                    break;
                case TaskScheduledEvent s:
                    calls[s.EventId] = (true, s.Name ?? "");
                    episode.Scheduled.Add(s.EventId);
                    break;
                case SubOrchestrationInstanceCreatedEvent c:
                    calls[c.EventId] = (false, c.Name ?? "");
                    episode.Scheduled.Add(c.EventId);
                    break;
                case TaskFailedEvent f when f.FailureDetails?.IsNonRetriable != true:
                    episode.Failures.Add(f.TaskScheduledId);
                    break;
                case SubOrchestrationInstanceFailedEvent f when f.FailureDetails?.IsNonRetriable != true:
                    episode.Failures.Add(f.TaskScheduledId);
                    break;
                case TimerCreatedEvent t:
                    episode.TimersCreated.Add(t.EventId);
                    if (t.FireAt <= episode.StartedAt)
                        episode.DueAtOnce.Add(t.EventId);
                    break;
                case TimerFiredEvent f:
                    episode.TimersFired.Add(f.TimerId);
                    break;
            }
        }
        links.Close(episode, calls);
        return links;
    }

    /// <summary>Whether the timer is a wait after a failed attempt (a retry delay, or the zero wait after the last attempt).</summary>
    public bool IsRetryTimer(int timerId) => _failedCallOfTimer.ContainsKey(timerId);

    /// <summary>Whether the retry timer is the one made after a call's last attempt failed: no attempt follows it.</summary>
    public bool IsWaitAfterLastAttempt(int timerId) => _waitsAfterLastAttempt.Contains(timerId);

    /// <summary>The task id of the failed attempt a retry timer waits after.</summary>
    public bool TryGetFailedAttempt(int timerId, out int taskId) => _failedCallOfTimer.TryGetValue(timerId, out taskId);

    /// <summary>The task id of the attempt that <paramref name="taskId"/> retries.</summary>
    public bool TryGetPreviousAttempt(int taskId, out int previous) => _previousAttempt.TryGetValue(taskId, out previous);

    /// <summary>The task id of the attempt made after <paramref name="taskId"/> failed.</summary>
    public bool TryGetNextAttempt(int taskId, out int next) => _nextAttempt.TryGetValue(taskId, out next);

    private void Close(Episode episode, Dictionary<int, (bool IsActivity, string Name)> calls)
    {
        for (var i = 0; i < Math.Min(episode.Failures.Count, episode.TimersCreated.Count); i++)
        {
            var timer = episode.TimersCreated[i];
            _failedCallOfTimer[timer] = episode.Failures[i];
            if (episode.DueAtOnce.Contains(timer))
                _waitsAfterLastAttempt.Add(timer);
        }
        var taken = new HashSet<int>();
        foreach (var timer in episode.TimersFired)
        {
            if (!_failedCallOfTimer.TryGetValue(timer, out var failed) || !calls.TryGetValue(failed, out var call))
                continue;
            foreach (var id in episode.Scheduled)
            {
                if (taken.Contains(id) || id == failed || calls[id] != call)
                    continue;
                taken.Add(id);
                _previousAttempt[id] = failed;
                _nextAttempt[failed] = id;
                break;
            }
        }
    }

    /// <summary>What one episode received and did, in history order.</summary>
    private sealed class Episode
    {
        /// <summary>The orchestration's clock in this episode; null before the first episode marker.</summary>
        public DateTime? StartedAt { get; init; }

        public List<int> Failures { get; } = [];

        public HashSet<int> DueAtOnce { get; } = [];

        public List<int> TimersCreated { get; } = [];

        public List<int> TimersFired { get; } = [];

        public List<int> Scheduled { get; } = [];
    }
}
