using System.Globalization;
using ImageCmdlets.Transport;

namespace ImageCmdlets;

/// <summary>
/// The error ids the module gives itself. A provider's own code is used wherever the provider answers
/// with one; these name the conditions no provider names, one id per condition whatever the provider,
/// so a script that catches on FullyQualifiedErrorId works for all of them.
/// </summary>
public static class EngineErrors
{
    /// <summary>HTTP 5xx without the provider's error body (a gateway or load balancer answered).</summary>
    public const string ServerError = "ServerError";
    /// <summary>HTTP 429 without the provider's error body.</summary>
    public const string TooManyRequests = "TooManyRequests";
    /// <summary>HTTP 401 without the provider's error body (a token or signature refused).</summary>
    public const string Unauthorized = "Unauthorized";
    /// <summary>HTTP 403 without the provider's error body.</summary>
    public const string Forbidden = "Forbidden";
    /// <summary>An answer that is not the documented shape: whether the call took effect is unknown.</summary>
    public const string InvalidResponse = "InvalidResponse";
    public const string ConnectionFailed = "ConnectionFailed";
    public const string RequestTimeout = "RequestTimeout";
    /// <summary>A per-image answer that left an image out.</summary>
    public const string MissingAnswer = "MissingAnswer";
    /// <summary>A listing whose page tokens repeat.</summary>
    public const string PaginationLoop = "PaginationLoop";
    public const string EmptyImageId = "EmptyImageId";
    public const string MalformedImageId = "MalformedImageId";
    /// <summary>A piped image whose own provider or region contradicts -Provider or -Region.</summary>
    public const string ImageTargetConflict = "ImageTargetConflict";
    /// <summary>A dry run the provider answered as if it were real.</summary>
    public const string DryRunNotHonored = "DryRunNotHonored";
    /// <summary>-Wait: the cloud accepted a deletion, then the image left its deleting state without going away.</summary>
    public const string DeletionFailed = "DeletionFailed";

    /// <summary>
    /// An answer without the provider's readable error body: the kind comes from the HTTP status where the
    /// status alone is certain (5xx, 429, 401, 403); anything else is InvalidResponse. A bare 404 or 400
    /// (a proxy, a wrong endpoint) must never pass for "image not found" or a refused image.
    /// </summary>
    public static CloudApiError Unreadable(HttpExchange exchange, string action, string expectedShape)
    {
        var status = exchange.StatusCode.ToString(CultureInfo.InvariantCulture);
        var (code, kind) = exchange.StatusCode switch
        {
            >= 500 => (ServerError, ErrorKind.ServerError),
            429 => (TooManyRequests, ErrorKind.Throttled),
            401 => (Unauthorized, ErrorKind.Authentication),
            403 => (Forbidden, ErrorKind.PermissionDenied),
            _ => (InvalidResponse, ErrorKind.InvalidResponse),
        };
        var message = kind == ErrorKind.InvalidResponse
            ? $"{action}: the answer (HTTP {status}, {exchange.Body.Length} characters) is not {expectedShape}; whether the call took effect is unknown."
            : $"{action}: the server answered HTTP {status} without {expectedShape}.";
        return new CloudApiError(code, kind, message, exchange.RequestId, exchange.StatusCode);
    }
}
