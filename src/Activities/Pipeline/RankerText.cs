namespace RankDistill.Activities.Pipeline;

/// <summary>
/// The text a ranker reads for a document: title and summary, as the method describes its input ("title +
/// summary"). Scoring must present documents the way training did, so this is the one place it is spelled, for training, labelling and evaluation alike.
/// </summary>
public static class RankerText
{
    public static string Document(string title, string summary) => $"{title}\n{summary}";
}
