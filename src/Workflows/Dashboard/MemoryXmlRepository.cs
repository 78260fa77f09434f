using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// Data-protection keys kept in memory. They protect only anti-forgery tokens, which need to outlive a page, not the
/// process (after a restart the page fetches a new token): so no key file is written to the user's home folder.
/// </summary>
internal sealed class MemoryXmlRepository : IXmlRepository
{
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_elements)
            return [.. _elements.Select(e => new XElement(e))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_elements)
            _elements.Add(new XElement(element));
    }
}
