using System;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Zenlayer;

/// <summary>
/// Zenlayer Open API v2 answers: HTTP 200 is <c>{"requestId","response":{...}}</c>; anything else is
/// <c>{"code","message","requestId"}</c> (the SDKs decide success by the status alone, and so does this).
/// The documented common codes come from shared/providers/zenlayer.md and the common error list Zenlayer
/// publishes with its SDKs and tools (AUTHFAILURE_*, INVALID_PARAMETER_*, OPERATION_FAILED_*). Retries follow
/// the official SDKs: throttling (429 / REQUEST_LIMIT_EXCEEDED) and server errors, nothing else.
/// </summary>
internal static class ZenlayerErrors
{
    public const string ResourceNotFound = "OPERATION_FAILED_RESOURCE_NOT_FOUND";
    public const string InvalidImageStatus = "INVALID_IMAGE_STATUS";
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";
    public const string SignatureFailure = "AUTHFAILURE_SIGNATURE_FAILURE";
    public const string SignatureExpired = "AUTHFAILURE_SIGNATURE_EXPIRED";
    public const string InvalidAuthorization = "AUTHFAILURE_INVALID_AUTHORIZATION";
    public const string UnauthorizedOperation = "AUTHFAILURE_UNAUTHORIZED_OPERATION";
    /// <summary>"The number of values exceeds the allowed length": the one documented code a too-long id list can get.</summary>
    public const string ExceedLength = "INVALID_PARAMETER_EXCEED_LENGTH";

    /// <summary>
    /// The module's own codes where Zenlayer gives none: DeleteImages lists the ids it refused without a
    /// reason, and the image's description then tells (or does not tell) why.
    /// </summary>
    public const string ImageNotCustom = "ImageNotCustom";
    public const string DeleteRefused = "ImageDeleteRefused";

    /// <summary>A network security challenge (a Cloudflare "cf-mitigated: challenge" 403) in front of the API.</summary>
    public const string NetworkChallenge = "NetworkSecurityChallenge";
    /// <summary>HTTP 451: the request is blocked where it comes from.</summary>
    public const string Blocked = "RequestBlocked";

    public static readonly ErrorCodeMap Map = new ErrorCodeMap()
        .Add(ResourceNotFound, ErrorKind.NotFound)
        .Add(InvalidImageStatus, ErrorKind.InvalidState)
        .Add("OPERATION_FAILED_FOR_RECYCLE_RESOURCE", ErrorKind.InvalidState)
        .Add(RequestLimitExceeded, ErrorKind.Throttled)
        .Add("INTERNAL_SERVER_ERROR", ErrorKind.ServerError)
        .Add("SERVICE_TEMPORARY_UNAVAILABLE", ErrorKind.ServerError)
        // A request time outside the service's window: the session signs with the cloud's time and tries again.
        .Add(SignatureExpired, ErrorKind.ClockSkew)
        // A wrong password, an unknown key: no call of the run can pass.
        .Add("AUTHFAILURE*", ErrorKind.Authentication)
        // No permission for this action or resource: the key itself is fine.
        .Add(UnauthorizedOperation, ErrorKind.PermissionDenied)
        .Add(ExceedLength, ErrorKind.BatchTooLarge)
        .Add("MISSING_PARAMETER*", ErrorKind.InvalidArgument)
        .Add("INVALID_PARAMETER*", ErrorKind.InvalidArgument);

    /// <summary>The request id of any answer, for verbose lines and errors.</summary>
    public static string? RequestIdOf(HttpExchange exchange) =>
        exchange.Json?.GetString("requestId") ?? exchange.Json?["response"]?.GetString("requestId");

    /// <summary>The code of an error answer, for verbose lines and the clock check.</summary>
    public static string? CodeOf(HttpExchange exchange) => exchange.StatusCode == 200 ? null : exchange.Json?.GetString("code");

    /// <summary>The answer's "response" object, or a <see cref="CloudApiException"/>.</summary>
    public static JsonValue ReadResponse(HttpExchange exchange, string action)
    {
        if (ErrorOf(exchange, action) is { } error) throw new CloudApiException(error);
        return exchange.Json!["response"]!;
    }

    /// <summary>The error an answer carries, or null for a readable success.</summary>
    public static CloudApiError? ErrorOf(HttpExchange exchange, string action)
    {
        var json = exchange.Json;
        if (exchange.StatusCode == 200)
            return json?["response"] is { Kind: JsonKind.Object }
                ? null
                : EngineErrors.Unreadable(exchange, action, "the documented {\"requestId\",\"response\":{...}} JSON");

        if (exchange.StatusCode == 403 && exchange.GetHeader("cf-mitigated") is { } mitigated
            && mitigated.IndexOf("challenge", StringComparison.OrdinalIgnoreCase) >= 0)
            return new CloudApiError(NetworkChallenge, ErrorKind.InvalidConfiguration,
                $"{action}: a network security challenge in front of the Zenlayer API refused the request (HTTP 403, cf-mitigated: challenge). " +
                "It is not an API answer; calls from this network cannot pass until the challenge is lifted.", null, 403);
        if (exchange.StatusCode == 451)
            return new CloudApiError(Blocked, ErrorKind.InvalidConfiguration,
                $"{action}: the Zenlayer API blocks requests from here (HTTP 451).", RequestIdOf(exchange), 451);

        var code = json?.GetString("code");
        if (string.IsNullOrEmpty(code)) return EngineErrors.Unreadable(exchange, action, "a Zenlayer error body");
        var kind = Map.KindOf(code);
        if (kind == ErrorKind.Unknown) kind = ErrorCodeMap.KindOfStatus(exchange.StatusCode);
        return new CloudApiError(code!, kind, json!.GetString("message") ?? "", RequestIdOf(exchange), exchange.StatusCode);
    }
}
