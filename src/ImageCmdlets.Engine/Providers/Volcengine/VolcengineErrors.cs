using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Volcengine;

/// <summary>
/// Volcengine OpenAPI answers: <c>{"ResponseMetadata":{"RequestId",…,"Error":{"Code","Message"}},"Result":{…}}</c>.
/// Gateway and API errors come back as 4xx/5xx with ResponseMetadata.Error; an Error on any status is an
/// error. DeleteImages' per-image errors arrive inside a 200, in Result.OperationDetails.
/// </summary>
internal static class VolcengineErrors
{
    /// <summary>The per-image codes of DeleteImages and the gateway's common codes (shared/providers/volcengine.md).</summary>
    public static readonly ErrorCodeMap Map = new ErrorCodeMap()
        // DeleteImages, per image
        .Add("InvalidImage.NotFound", ErrorKind.NotFound)
        .Add("InvalidImageStatus", ErrorKind.InvalidState)
        // Shared to other accounts, who may be using it: un-share it first.
        .Add("InvalidImage.Shared", ErrorKind.InUse)
        // A copy, an export or another task holds the image (ImageIsCopying, ImageIsExporting, …): later.
        .Add("OperationDenied*", ErrorKind.InvalidState)
        .Add("InvalidImage*", ErrorKind.InvalidArgument)
        // Gateway
        .Add("MissingParameter", ErrorKind.InvalidArgument)
        .Add("MissingRequestInfo", ErrorKind.InvalidArgument)
        .Add("InvalidParameter*", ErrorKind.InvalidArgument)
        .Add("MissingAuthenticationToken", ErrorKind.Authentication)
        .Add("MissingSignature", ErrorKind.Authentication)
        .Add("InvalidAccessKey", ErrorKind.Authentication)
        .Add("SignatureDoesNotMatch", ErrorKind.Authentication)
        // X-Date expired or in the future: every call of the run would fail the same way (fix the clock).
        // X-Date more than 15 minutes off the server's time.
        .Add("InvalidTimestamp", ErrorKind.ClockSkew)
        .Add("LackPolicy", ErrorKind.PermissionDenied)
        .Add("AccessDenied", ErrorKind.PermissionDenied)
        .Add("ServiceNotFound", ErrorKind.InvalidConfiguration)
        .Add("InvalidActionOrVersion", ErrorKind.InvalidConfiguration)
        .Add("MethodNotAllowed", ErrorKind.InvalidConfiguration)
        .Add("FlowLimitExceeded", ErrorKind.Throttled)
        .Add("AccountFlowLimitExceeded", ErrorKind.Throttled)
        .Add("InternalError", ErrorKind.ServerError)
        .Add("InternalServiceTimeout", ErrorKind.ServerError)
        .Add("ServiceUnavailableTemp", ErrorKind.ServerError)
        .Add("FailToConnect", ErrorKind.ServerError);

    public static string? RequestIdOf(HttpExchange exchange) => exchange.Json?["ResponseMetadata"]?.GetString("RequestId");

    /// <summary>The error code an answer carries, for the verbose line; null on success.</summary>
    public static string? CodeOf(HttpExchange exchange) => exchange.Json?["ResponseMetadata"]?["Error"]?.GetString("Code");

    /// <summary>
    /// The answer's Result object (an empty one when a success carries none), or a <see cref="CloudApiException"/>:
    /// the API's own error when ResponseMetadata.Error is present, else the engine's reading of an answer
    /// without the documented envelope (<see cref="EngineErrors.Unreadable"/>).
    /// </summary>
    public static JsonValue ReadResult(HttpExchange exchange, string action)
    {
        var metadata = exchange.Json?["ResponseMetadata"];
        if (metadata is null || metadata.Kind != JsonKind.Object)
            throw new CloudApiException(EngineErrors.Unreadable(exchange, action, "the documented {\"ResponseMetadata\":{...}} JSON"));
        if (metadata["Error"] is { Kind: JsonKind.Object } error)
            throw new CloudApiException(ErrorOf(error, exchange.RequestId ?? RequestIdOf(exchange), exchange.StatusCode));
        if (!exchange.IsSuccess)
            throw new CloudApiException(EngineErrors.Unreadable(exchange, action, "a ResponseMetadata.Error"));
        return exchange.Json!["Result"] is { Kind: JsonKind.Object } result ? result : JsonValue.NewObject();
    }

    /// <summary>An {"Code","Message"} error object (the call's, or one image's in OperationDetails) as a <see cref="CloudApiError"/>.</summary>
    public static CloudApiError ErrorOf(JsonValue error, string? requestId, int httpStatus)
    {
        var code = error.GetString("Code") ?? "";
        var kind = Map.KindOf(code);
        if (kind == ErrorKind.Unknown) kind = ErrorCodeMap.KindOfStatus(httpStatus);
        return new CloudApiError(code, kind, error.GetString("Message") ?? "", requestId, httpStatus);
    }
}
