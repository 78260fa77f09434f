namespace RankDistill.Workflows.Hosting;

/// <summary>The recipe a <c>Pipeline</c> section starts from (<c>Pipeline:Preset</c>); see <c>PipelineSettings</c>.</summary>
public enum PipelinePreset
{
    /// <summary>The demo's world: a few CPU minutes.</summary>
    Default,

    /// <summary><c>demo --quick</c>: under two CPU minutes.</summary>
    Quick,

    /// <summary>Tests: seconds.</summary>
    Tiny,
}
