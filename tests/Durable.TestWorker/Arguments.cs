namespace RankDistill.Durable.TestWorker;

/// <summary>`--name value` pairs.</summary>
internal static class Arguments
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
            result[args[i].TrimStart('-')] = args[i + 1];
        foreach (var required in new[] { "db", "log", "id" })
        {
            if (!result.ContainsKey(required))
                throw new ArgumentException($"--{required} is required");
        }
        return result;
    }
}
