using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Pipeline;

/// <summary>
/// Get-CloudImage's behaviour: one region's listing, or several regions' listings at once (each its own
/// session; the endpoints' call gates keep them within the rate limits). With several regions each
/// region's images come out together, in the order the regions were given, and a region that fails is
/// one error that does not stop the others.
/// </summary>
public sealed class GetCloudImageCore : CommandCore
{
    private Task? _listing;
    private ExceptionDispatchInfo? _fatal;

    public GetCloudImageCore(IPipelineHost host, ConnectionOptions connection, OperationSettings? settings = null)
        : base(host, connection, settings) { }

    /// <summary>Lists <paramref name="regions"/> ("*" or a wildcard: the provider's known regions; none: its default region).</summary>
    public void Run(string provider, IReadOnlyList<string> regions, ImageQuery query, IReadOnlyList<string> imageIds)
    {
        Connections.Validate();
        var definition = Connections.FindProvider(provider);
        ImageQueryCheck.Require(query, definition);
        var chosen = RegionSelection.Expand(definition, regions);
        var wellFormed = imageIds.Where(id => !RejectMalformed(definition, chosen.Count == 1 ? chosen[0] : null, id)).ToArray();
        if (imageIds.Count > 0 && wellFormed.Length == 0) return; // nothing left worth a call

        if (chosen.Count <= 1)
        {
            var session = Connect(provider, chosen.Count == 1 ? chosen[0] : null);
            try
            {
                Drain(ImageListing.RunAsync(session, query, wellFormed, new ListedImages.RememberingSink(Queue), Settings, StopSignal));
            }
            catch (CloudApiException ex)
            {
                // The listing's failure ends the command: its message names the provider and region it came from.
                ex.Target ??= ErrorTarget.Of(session.Provider.Name, session.Region);
                throw;
            }
            return;
        }

        // Sessions first, on this thread (no call, or one token request each): a region the provider refuses
        // to connect to is that region's error; anything else (credentials, endpoint) is every region's.
        var output = new RegionOrderedOutput(Queue, chosen.Count);
        var listings = new List<Task>();
        for (var index = 0; index < chosen.Count; index++)
        {
            IImageSession session;
            try
            {
                session = Connect(provider, chosen[index]);
            }
            catch (ImageCmdletsConfigurationException ex) when (ex.ErrorId is "InvalidRegion" or "UnknownRegion")
            {
                output.For(index).Error(new ImageError(definition.Name, chosen[index], "", new CloudApiError(ex.ErrorId, ex.Kind, ex.Message)));
                output.Complete(index);
                continue;
            }
            listings.Add(ListRegionAsync(session, output, index, query, wellFormed));
        }
        Drain(Task.WhenAll(listings));
        _fatal?.Throw();
    }

    private void Drain(Task listing)
    {
        _listing = listing;
        try
        {
            Queue.DrainUntil(_listing, Host);
        }
        finally
        {
            EndEarly();
        }
    }

    /// <summary>
    /// One region of a many-region listing. Its failure is one error naming the region, except a problem no
    /// region can escape (the key or the clock is refused): that stops every region and ends the command.
    /// </summary>
    private async Task ListRegionAsync(IImageSession session, RegionOrderedOutput output, int index,
        ImageQuery query, IReadOnlyList<string> imageIds)
    {
        var sink = output.For(index);
        try
        {
            await ImageListing.RunAsync(session, query, imageIds, new ListedImages.RememberingSink(sink), Settings, StopSignal).ConfigureAwait(false);
        }
        catch (CloudApiException ex) when (!StopsEveryRegion(ex.Error))
        {
            sink.Error(new ImageError(session.Provider.Name, session.Region, "", ex.Error));
        }
        catch (CloudApiException ex)
        {
            ex.Target ??= ErrorTarget.Of(session.Provider.Name, session.Region);
            lock (output) _fatal ??= ExceptionDispatchInfo.Capture(ex);
            StopSignal.Abort();
        }
        catch (OperationCanceledException) when (_fatal is not null)
        {
            // Another region's fatal error stopped this one: that error is the command's answer.
        }
        finally
        {
            output.Complete(index);
        }
    }

    private static bool StopsEveryRegion(CloudApiError error) => error.Kind is ErrorKind.Authentication or ErrorKind.ClockSkew;

    /// <summary>A listing that nobody reads any more (Select-Object -First, Ctrl+C, an error downstream) is
    /// cancelled at once: a list call changes nothing, so there is no answer worth waiting for.</summary>
    protected override void EndEarly()
    {
        if (_listing is null || _listing.IsCompleted) return;
        StopSignal.Abort();
        WaitQuietly(_listing);
    }
}

/// <summary>What -Region names: "*" (or a wildcard) stands for the provider's known regions.</summary>
public static class RegionSelection
{
    public const string All = "*";

    /// <summary>The regions to list, each once, in the order given; empty when none was given (the provider's default).</summary>
    public static IReadOnlyList<string> Expand(ImageProvider provider, IReadOnlyList<string> regions)
    {
        var chosen = new List<string>();
        foreach (var raw in regions)
        {
            var given = (raw ?? "").Trim();
            if (given.Length == 0) continue;
            IEnumerable<string> matches = new[] { given };
            if (WildcardPattern.ContainsWildcard(given))
            {
                var pattern = new WildcardPattern(given);
                matches = provider.KnownRegions.Where(pattern.IsMatch).ToArray();
                if (!matches.Any())
                    throw new ImageCmdletsConfigurationException("NoMatchingRegion",
                        $"-Region '{given}' matches none of the regions {provider.Name} is known to offer ({string.Join(", ", provider.KnownRegions)}). Name the region itself instead.",
                        ErrorKind.InvalidArgument);
            }
            foreach (var region in matches)
                if (!chosen.Contains(region, StringComparer.OrdinalIgnoreCase)) chosen.Add(region);
        }
        return chosen;
    }
}
