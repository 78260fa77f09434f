namespace RankDistill.Activities.Pipeline;

/// <summary>
/// The models a run starts from, for its lineage: per role a Hugging Face folder (a local path or a store prefix), or
/// null for a model made from the settings' shape. <see cref="PublishedRun"/> names the run whose published models the
/// setting <c>published</c> resolved to (null when the settings did not ask for them, or nothing was published yet).
/// </summary>
public sealed record BaseModels(string? Teacher, string? Student, string? PublishedRun = null)
{
    /// <summary>
    /// The value of <c>Pipeline:Teacher:BaseModel</c> or <c>Pipeline:Student:BaseModel</c> that means "the model the last
    /// promoted run published": daily drops then continue training rather than start again. Resolved when the run starts.
    /// </summary>
    public const string Published = "published";

    /// <summary>Whether the settings ask for the published models, so a run must resolve them before its first step.</summary>
    public static bool AskedFor(PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Teacher.BaseModel == Published || settings.Student.BaseModel == Published;
    }

    /// <summary>The settings with these base models in place of what was asked (the run's steps read only these).</summary>
    public PipelineSettings ApplyTo(PipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings with
        {
            Teacher = settings.Teacher with { BaseModel = Teacher },
            Student = settings.Student with { BaseModel = Student },
        };
    }
}
