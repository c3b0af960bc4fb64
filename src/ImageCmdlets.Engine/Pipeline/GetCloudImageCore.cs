using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Pipeline;

/// <summary>Get-CloudImage's behaviour.</summary>
public sealed class GetCloudImageCore : CommandCore
{
    private Task? _listing;

    public GetCloudImageCore(IPipelineHost host, ConnectionOptions connection, OperationSettings? settings = null)
        : base(host, connection, settings) { }

    public void Run(string provider, string? region, ImageQuery query, IReadOnlyList<string> imageIds)
    {
        Connections.Validate();
        var definition = Connections.FindProvider(provider);
        ImageQueryCheck.Require(query, definition);
        var wellFormed = imageIds.Where(id => !RejectMalformed(definition, region, id)).ToArray();
        if (imageIds.Count > 0 && wellFormed.Length == 0) return; // nothing left worth a call
        var session = Connect(provider, region);
        _listing = ImageListing.RunAsync(session, query, wellFormed, Queue, Settings, StopSignal);
        try
        {
            Queue.DrainUntil(_listing, Host);
        }
        catch (CloudApiException ex)
        {
            // The listing's failure ends the command: its message names the provider and region it came from.
            ex.Target ??= ErrorTarget.Of(session.Provider.Name, session.Region);
            throw;
        }
        finally
        {
            EndEarly();
        }
    }

    /// <summary>A listing that nobody reads any more (Select-Object -First, Ctrl+C, an error downstream) is
    /// cancelled at once: a list call changes nothing, so there is no answer worth waiting for.</summary>
    protected override void EndEarly()
    {
        if (_listing is null || _listing.IsCompleted) return;
        StopSignal.Abort();
        WaitQuietly(_listing);
    }
}
