namespace RankDistill.Models.Training;

/// <summary>One file of a checkpoint as its manifest lists it: name within the checkpoint, size in bytes, lower-case hex SHA-256.</summary>
public sealed record CheckpointFileEntry(string Name, long Size, string Sha256);
