namespace RankDistill.Durable.TestWorker;

/// <summary>`--name value` pairs.</summary>
internal static class Arguments
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
            result[args[i].TrimStart('-')] = args[i + 1];
        var backend = result.GetValueOrDefault("backend", "sqlite");
        string[] required = backend switch
        {
            "sqlite" => ["db", "log", "id"],
            "postgres" => ["connection", "log", "id"],
            _ => throw new ArgumentException($"--backend is '{backend}'; it must be sqlite or postgres"),
        };
        foreach (var name in required)
        {
            if (!result.ContainsKey(name))
                throw new ArgumentException($"--{name} is required with --backend {backend}");
        }
        return result;
    }

    /// <summary>`gpu` or `gpu:1,default:4`: queue names, each with its concurrency (2 when not given).</summary>
    public static Dictionary<string, int> Queues(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(q => q.Split(':'))
            .ToDictionary(p => p[0], p => p.Length > 1 ? int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture) : 2, StringComparer.Ordinal);
}
