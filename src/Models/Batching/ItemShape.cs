namespace RankDistill.Models.Batching;

/// <summary>
/// The size of one batching item: <see cref="Rows"/> sequences (1 for a single sequence, the list
/// size for a query's documents) of at most <see cref="Length"/> tokens.
/// </summary>
public readonly record struct ItemShape(int Rows, int Length);
