using System.Text.Json;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Activities.Tests.Evaluation;

public sealed class EvaluationResultJsonTests
{
    [Fact]
    public void Serialize_InfinitePnr_RoundTripsWithTheEnginesDefaultOptions()
    {
        // A tiny test set can leave no pair ordered against the labels: PNR is +∞ and must still travel as a payload.
        var metrics = new RankerMetrics(1, 1, 1, 1, double.PositiveInfinity, 1);
        var result = new EvaluationResult(metrics, metrics with { Pnr = 2.5 }, metrics, 3, 10, 150, "runs/r1/report/report.json");
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var json = JsonSerializer.Serialize(result, web);

        Assert.Contains("\"Infinity\"", json, StringComparison.Ordinal);
        Assert.Equal(result, JsonSerializer.Deserialize<EvaluationResult>(json, web));
    }
}
