using System;
using System.Collections.Generic;
using System.Linq;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>
/// The client-side half of every list filter. Providers filter server-side where their API can; this
/// applies all filters again so results are the same whatever a provider could express.
/// </summary>
internal sealed class ImageMatcher
{
    private readonly WildcardPattern[] _names;
    private readonly ImageQuery _query;

    public ImageMatcher(ImageQuery query)
    {
        _query = query;
        _names = query.NamePatterns.Select(p => new WildcardPattern(p)).ToArray();
    }

    public bool Matches(CloudImage image)
    {
        if (_names.Length > 0 && !_names.Any(n => n.IsMatch(image.Name))) return false;
        if (_query.States.Count > 0 && !_query.States.Any(s => string.Equals(s, image.State, StringComparison.OrdinalIgnoreCase))) return false;
        if (_query.CreatedBefore is { } before && !(image.CreatedAt < before)) return false;
        if (_query.CreatedAfter is { } after && !(image.CreatedAt > after)) return false;
        if (_query.Tags.Count > 0 && !_query.Tags.All(t => HasTag(image.Tags, t))) return false;
        return true;
    }

    /// <summary>A tag filter "key" matches any value of that key; "key=value" matches exactly.</summary>
    private static bool HasTag(IReadOnlyList<string> tags, string filter)
    {
        var eq = filter.IndexOf('=');
        return eq < 0
            ? tags.Any(t => string.Equals(t.Split(new[] { '=' }, 2)[0], filter, StringComparison.Ordinal))
            : tags.Any(t => string.Equals(t, filter, StringComparison.Ordinal));
    }
}

/// <summary>Checks image ids before any call, so a typo gets a clear error and costs no request.</summary>
internal static class ImageIdCheck
{
    /// <summary>Null when the id is well-formed for the provider; otherwise the error to report.</summary>
    public static CloudApiError? Problem(string? imageId, ImageProvider provider)
    {
        if (string.IsNullOrWhiteSpace(imageId))
            return new CloudApiError(EngineErrors.EmptyImageId, ErrorKind.InvalidArgument, "The image id is empty.");
        if (!provider.Capabilities.ImageIdPattern.IsMatch(imageId!))
        {
            var example = provider.Capabilities.ImageIdExample.Length > 0 ? $" (for example {provider.Capabilities.ImageIdExample})" : "";
            return new CloudApiError(EngineErrors.MalformedImageId, ErrorKind.InvalidArgument,
                $"'{imageId}' is not a valid {provider.Name} image id{example}. Nothing was sent to the cloud for it.");
        }
        return null;
    }
}

/// <summary>Checks a listing's filters before any call: a filter that can match nothing is a mistake to say, not an empty answer.</summary>
public static class ImageQueryCheck
{
    /// <summary>Throws a specific error for a filter that is malformed or cannot match anything.</summary>
    public static void Require(ImageQuery query, ImageProvider provider)
    {
        foreach (var pattern in query.NamePatterns)
        {
            try { _ = new WildcardPattern(pattern); }
            catch (ArgumentException ex) { throw Invalid("InvalidWildcardPattern", ex.Message.Split(new[] { " (Parameter" }, StringSplitOptions.None)[0]); }
        }
        if (query.CreatedBefore is { } before && query.CreatedAfter is { } after && before <= after)
            throw Invalid("InvalidTimeRange",
                $"-CreatedBefore ({before:u}) is not later than -CreatedAfter ({after:u}): no image can match. Swap them, or drop one.");
        foreach (var tag in query.Tags)
        {
            var eq = tag.IndexOf('=');
            if (tag.Trim().Length == 0 || eq == 0)
                throw Invalid("InvalidTagFilter", $"-Tag '{tag}' has no key. Use 'key' (any value) or 'key=value'.");
        }
        var known = provider.Capabilities.States;
        if (known.Count == 0) return;
        foreach (var state in query.States)
            if (!known.Any(k => string.Equals(k, state.Trim(), StringComparison.OrdinalIgnoreCase)))
                throw Invalid("UnknownState", $"-State '{state}' is not a {provider.Name} image state. {provider.Name} states: {string.Join(", ", known)}.");
    }

    private static ImageCmdletsConfigurationException Invalid(string id, string message) => new(id, message, ErrorKind.InvalidArgument);
}
