using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Tencent;

/// <summary>
/// Tencent Cloud API 3.0 answers: every error is <c>{"Response":{"Error":{"Code","Message"},"RequestId"}}</c>,
/// and success is decided by the absence of Response.Error, never by the HTTP status (as the SDKs do).
/// </summary>
internal static class TencentErrors
{
    /// <summary>The documented codes of DeleteImages / DescribeImages and the common codes (shared/providers/tencent.md).</summary>
    public static readonly ErrorCodeMap Map = new ErrorCodeMap()
        // DeleteImages
        .Add("InvalidImageId.NotFound", ErrorKind.NotFound)
        .Add("InvalidImageId.Malformed", ErrorKind.InvalidArgument)
        .Add("InvalidImageId.InShared", ErrorKind.InUse)
        .Add("InvalidImageId.IncorrectState", ErrorKind.InvalidState)
        .Add("InvalidParameterValue.InvalidImageId", ErrorKind.InvalidArgument)
        // A shared-to-me image belongs to another account: we may not delete it.
        .Add("InvalidParameterValue.InvalidImageIdIsShared", ErrorKind.PermissionDenied)
        .Add("InvalidParameterValue.InvalidAppIdFormat", ErrorKind.InvalidArgument)
        .Add("InvalidParameterValue.LimitExceeded", ErrorKind.BatchTooLarge)
        // "Another task is running on the resource": the image's current state, not a rate limit. As
        // InvalidState a failed batch is split so only the busy image fails, not its batch-mates.
        .Add("MutexOperation.TaskRunning", ErrorKind.InvalidState)
        .Add("UnauthorizedOperation.ImageNotBelongToAccount", ErrorKind.PermissionDenied)
        // DescribeImages
        .Add("InvalidFilter", ErrorKind.InvalidArgument)
        .Add("InvalidFilterValue.LimitExceeded", ErrorKind.InvalidArgument)
        .Add("InvalidParameter.InvalidParameterCoexistImageIdsFilters", ErrorKind.InvalidArgument)
        .Add("InvalidParameterValue.InvalidParameterValueLimit", ErrorKind.InvalidArgument)
        .Add("UnauthorizedOperation.PermissionDenied", ErrorKind.PermissionDenied)
        // Common codes
        .Add("AuthFailure*", ErrorKind.Authentication)
        // "Signature expired": the request time is more than 5 minutes off the server's.
        .Add("AuthFailure.SignatureExpire", ErrorKind.ClockSkew)
        .Add("AuthFailure.UnauthorizedOperation", ErrorKind.PermissionDenied)
        .Add("UnauthorizedOperation*", ErrorKind.PermissionDenied)
        .Add("RequestLimitExceeded*", ErrorKind.Throttled)
        .Add("RequestSizeLimitExceeded", ErrorKind.BatchTooLarge)
        .Add("InternalError*", ErrorKind.ServerError)
        .Add("ServiceUnavailable", ErrorKind.ServerError)
        .Add("InvalidRegion", ErrorKind.InvalidConfiguration)
        .Add("UnsupportedRegion", ErrorKind.InvalidConfiguration)
        .Add("InvalidAction", ErrorKind.InvalidConfiguration)
        .Add("NoSuchVersion", ErrorKind.InvalidConfiguration)
        .Add("MissingParameter*", ErrorKind.InvalidArgument)
        .Add("UnknownParameter*", ErrorKind.InvalidArgument)
        .Add("InvalidParameter*", ErrorKind.InvalidArgument)
        .Add("LimitExceeded*", ErrorKind.LimitExceeded)
        .Add("ResourceNotFound*", ErrorKind.NotFound)
        .Add("ResourceInUse*", ErrorKind.InUse);

    /// <summary>A passing dry run, as many Tencent services report it (CVM answers a plain success).</summary>
    public const string DryRunOperation = "DryRunOperation";

    public static string? RequestIdOf(HttpExchange exchange) => exchange.Json?["Response"]?.GetString("RequestId");

    /// <summary>The error code an answer carries (HTTP 200 included), for the verbose line; null on success.</summary>
    public static string? CodeOf(HttpExchange exchange) => exchange.Json?["Response"]?["Error"]?.GetString("Code");

    /// <summary>
    /// The answer's Response object, or a <see cref="CloudApiException"/>: the API's own error when
    /// Response.Error is present (whatever the HTTP status), else the engine's reading of an answer
    /// without that body (<see cref="EngineErrors.Unreadable"/>).
    /// </summary>
    public static JsonValue ReadResponse(HttpExchange exchange, string action)
    {
        var response = exchange.Json?["Response"];
        if (response is null || response.Kind != JsonKind.Object)
            throw new CloudApiException(EngineErrors.Unreadable(exchange, action, "the documented {\"Response\":{...}} JSON"));
        if (ErrorOf(response, exchange) is { } error)
            throw new CloudApiException(error);
        return response;
    }

    /// <summary>Response.Error as a <see cref="CloudApiError"/>, or null when the call succeeded.</summary>
    public static CloudApiError? ErrorOf(JsonValue response, HttpExchange exchange)
    {
        var error = response["Error"];
        if (error is null || error.Kind == JsonKind.Null) return null;
        var code = error.GetString("Code") ?? "";
        return new CloudApiError(code, Map.KindOf(code), error.GetString("Message") ?? "", response.GetString("RequestId"), exchange.StatusCode);
    }
}
