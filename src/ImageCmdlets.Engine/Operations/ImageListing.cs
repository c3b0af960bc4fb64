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
        var listing = new PagedListing(run, matcher, query);
        var first = await listing.FetchAsync(null).ConfigureAwait(false);
        listing.Write(first);
        var token = first.NextPageToken;
        if (first.LaterPageTokens is { Count: > 0 } later)
        {
            var last = await listing.FetchConcurrentlyAsync(later).ConfigureAwait(false);
            // Pages by position were all asked for; only a listing that grew meanwhile goes on from the last.
            token = last.NextPageToken is { } next && !later.Contains(next, StringComparer.Ordinal) ? next : null;
        }
        while (token is not null)
        {
            listing.RequireNew(token);
            var page = await listing.FetchAsync(token).ConfigureAwait(false);
            listing.Write(page);
            token = page.NextPageToken;
        }
        run.Sink.Progress(new ProgressUpdate(PagedListing.Activity, "Done", 100, completed: true));
    }

    /// <summary>One listing's pages: fetched through the session's gate, written in order as they arrive.</summary>
    private sealed class PagedListing
    {
        public const string Activity = "Listing images";
        private readonly RunContext _run;
        private readonly ImageMatcher _matcher;
        private readonly ImageQuery _query;
        private readonly HashSet<string> _seenTokens = new(StringComparer.Ordinal);
        private int _pages;
        private long _listed;

        public PagedListing(RunContext run, ImageMatcher matcher, ImageQuery query)
        {
            _run = run;
            _matcher = matcher;
            _query = query;
        }

        public Task<ImagePage> FetchAsync(string? token) =>
            _run.WithRetriesAsync($"list page {(token is null ? "1" : token)}", () => _run.Session.ListImagesAsync(_query, token, _run.Call));

        /// <summary>
        /// Asks for the pages of <paramref name="tokens"/> concurrently (the gate decides how many calls run at
        /// once; a window of requests keeps pages waiting to be written few) and writes them in order.
        /// Returns the last page. If one fails, no further page is asked for, and the error is thrown once
        /// every call already under way has ended, so none outlives the listing.
        /// </summary>
        public async Task<ImagePage> FetchConcurrentlyAsync(IReadOnlyList<string> tokens)
        {
            var window = Math.Max(1, _run.Capabilities.MaxConcurrentCalls);
            var pending = new Queue<Task<ImagePage>>();
            var next = 0;
            ImagePage? page = null;
            try
            {
                while (next < tokens.Count || pending.Count > 0)
                {
                    while (next < tokens.Count && pending.Count < window) pending.Enqueue(FetchAsync(tokens[next++]));
                    page = await pending.Dequeue().ConfigureAwait(false);
                    Write(page);
                }
                return page!;
            }
            catch
            {
                // A list call changes nothing: the calls still under way are not worth waiting for.
                _run.Stop.Abort();
                foreach (var task in pending)
                    try { await task.ConfigureAwait(false); }
                    catch (Exception) { /* the first error is the one reported */ }
                throw;
            }
        }

        public void Write(ImagePage page)
        {
            _pages++;
            _listed += page.Images.Count;
            foreach (var image in page.Images)
            {
                image.Connection = _run.Session;
                if (_matcher.Matches(image)) _run.Sink.Result(image);
            }
            var percent = page.TotalCount is long total && total > 0 ? (int)Math.Min(100, _listed * 100 / total) : -1;
            _run.Sink.Progress(new ProgressUpdate(Activity,
                $"{_run.Session.Provider.Name} {_run.Session.Region}: page {_pages}, {_listed}{(page.TotalCount is long t ? " of " + t : "")} images", percent));
        }

        /// <summary>A token seen before means the provider would have us list forever.</summary>
        public void RequireNew(string token)
        {
            if (!_seenTokens.Add(token))
                throw new CloudApiException(new CloudApiError(EngineErrors.PaginationLoop, ErrorKind.InvalidResponse,
                    $"The provider returned the page token '{token}' twice; stopping instead of listing forever."));
        }
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
