namespace RankDistill.Workflows.Hosting;

/// <summary>Where artifacts live (<c>Storage:Kind</c>).</summary>
public enum StorageKind
{
    /// <summary>A folder on this machine: <c>Storage:LocalRoot</c>.</summary>
    Local,

    /// <summary>Azure Blob Storage (or Azurite): <c>Storage:ConnectionString</c> or <c>Storage:AccountUrl</c>.</summary>
    Blob,
}
