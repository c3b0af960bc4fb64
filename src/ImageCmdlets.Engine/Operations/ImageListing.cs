using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>
/// Get-CloudImage's engine: streams each page's matching images to the sink as the page arrives, or
/// looks up named ids (reporting each missing one as not found).
/// </summary>
public static class ImageListing
{
    public static async Task RunAsync(IImageSession provider, ImageQuery query, IReadOnlyList<string> imageIds,
        IOperationSink sink, OperationSettings? settings = null, StopSignal? stop = null)
    {
        var run = new RunContext(provider, sink, settings ?? OperationSettings.Default, stop ?? new StopSignal());
        var matcher = new ImageMatcher(query);
        if (imageIds.Count > 0) await LookUpAsync(run, matcher, imageIds).ConfigureAwait(false);
        else await ListAllAsync(run, matcher, query).ConfigureAwait(false);
    }

    private static async Task ListAllAsync(RunContext run, ImageMatcher matcher, ImageQuery query)
    {
        const string Activity = "Listing images";
        var session = run.Session;
        string? token = null;
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        var pages = 0;
        var listed = 0;
        do
        {
            var pageToken = token;
            var page = await run.WithRetriesAsync($"list page {pages + 1}",
                () => session.ListImagesAsync(query, pageToken, run.Call)).ConfigureAwait(false);
            pages++;
            listed += page.Images.Count;
            foreach (var image in page.Images)
            {
                image.Connection = session;
                if (matcher.Matches(image)) run.Sink.Result(image);
            }
            var percent = page.TotalCount is long total && total > 0 ? (int)Math.Min(100, listed * 100 / total) : -1;
            run.Sink.Progress(new ProgressUpdate(Activity,
                $"{session.Provider.Name} {session.Region}: page {pages}, {listed}{(page.TotalCount is long t ? " of " + t : "")} images", percent));

            token = page.NextPageToken;
            if (token is not null && !seenTokens.Add(token))
                throw new CloudApiException(new CloudApiError(EngineErrors.PaginationLoop, ErrorKind.InvalidResponse,
                    $"The provider returned the page token '{token}' twice; stopping instead of listing forever."));
        }
        while (token is not null);
        run.Sink.Progress(new ProgressUpdate(Activity, "Done", 100, completed: true));
    }

    private static async Task LookUpAsync(RunContext run, ImageMatcher matcher, IReadOnlyList<string> imageIds)
    {
        var wanted = new List<string>();
        foreach (var raw in imageIds)
        {
            var id = (raw ?? "").Trim();
            if (ImageIdCheck.Problem(id, run.Session.Provider) is { } problem)
                run.Sink.Error(new ImageError(run.Session.Provider.Name, run.Session.Region, id, problem));
            else if (!wanted.Contains(id, StringComparer.OrdinalIgnoreCase))
                wanted.Add(id);
        }
        if (wanted.Count == 0) return;

        var found = await run.DescribeAsync(wanted).ConfigureAwait(false);
        foreach (var id in wanted)
        {
            if (!found.TryGetValue(id, out var image))
                run.Sink.Error(new ImageError(run.Session.Provider.Name, run.Session.Region, id, run.NotFound(id)));
            else if (matcher.Matches(image))
                run.Sink.Result(image);
        }
    }
}
