using System;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Alibaba;

/// <summary>
/// Alibaba error answers: a non-2xx status with {"RequestId","HostId","Code","Message","Recommend"}.
/// The HTTP status of several codes differs between doc pages (SignatureDoesNotMatch 400/403,
/// InvalidAccessKeyId.NotFound 400/404), so the kind comes from the code; the status is only a fallback.
/// </summary>
internal static class AlibabaErrors
{
    /// <summary>A passing DryRun is reported as HTTP 400 with this code.</summary>
    public const string DryRunPassed = "DryRunOperation";

    public static readonly ErrorCodeMap Codes = new ErrorCodeMap()
        // DeleteImage (alibaba.md error table)
        .Add("ImageUsingByInstance", ErrorKind.InUse)
        .Add("ImageUseShared", ErrorKind.InUse)
        .Add("OperationDenied.ImageCopying", ErrorKind.InvalidState)
        .Add("ImageIsImporting", ErrorKind.InvalidState)
        .Add("ImageIsExporting", ErrorKind.InvalidState)
        .Add("InvalidImageId.NotFound", ErrorKind.NotFound)
        .Add("InvalidImageId*", ErrorKind.InvalidArgument)
        // Common ECS errors
        .Add("Throttling*", ErrorKind.Throttled)
        // Rejected before anything ran; a resend (which signs with a new nonce) is the documented remedy.
        .Add("SignatureNonceUsed", ErrorKind.Throttled)
        .Add("SignatureDoesNotMatch", ErrorKind.Authentication)
        .Add("IncompleteSignature", ErrorKind.Authentication)
        .Add("InvalidAccessKeyId*", ErrorKind.Authentication)
        .Add("InvalidSecurityToken*", ErrorKind.Authentication)
        // The request time is more than 15 minutes off the server's.
        .Add("InvalidTimeStamp.Expired", ErrorKind.ClockSkew)
        .Add("InvalidTimeStamp*", ErrorKind.Authentication)
        .Add("Forbidden*", ErrorKind.PermissionDenied) // Forbidden.RAM: no RAM permission (can be per image ARN)
        .Add("InvalidRegionId*", ErrorKind.InvalidConfiguration)
        .Add("MissingParameter*", ErrorKind.InvalidArgument)
        .Add("InvalidParameter*", ErrorKind.InvalidArgument)
        .Add("InternalError", ErrorKind.ServerError)
        .Add("UnknownError", ErrorKind.ServerError)
        .Add("ServiceUnavailable", ErrorKind.ServerError);

    /// <summary>The error an answer carries, or null for a readable success.</summary>
    public static CloudApiError? ErrorOf(HttpExchange exchange, string action)
    {
        var json = exchange.Json;
        if (exchange.IsSuccess)
            return json?.Kind == Json.JsonKind.Object ? null : EngineErrors.Unreadable(exchange, action, "a JSON object");

        var code = json?.GetString("Code");
        // A gateway or load balancer answered, not ECS.
        if (string.IsNullOrEmpty(code)) return EngineErrors.Unreadable(exchange, action, "an Alibaba error body");

        var kind = Codes.KindOf(code);
        if (kind == ErrorKind.Unknown) kind = ErrorCodeMap.KindOfStatus(exchange.StatusCode);
        var message = WithoutStringToSign(json!.GetString("Message") ?? "");
        return new CloudApiError(code!, kind, message, exchange.RequestId ?? json.GetString("RequestId"), exchange.StatusCode);
    }

    /// <summary>
    /// SignatureDoesNotMatch echoes the server's whole string to sign (several lines, with the request's
    /// canonical headers): of use to someone debugging a signer, noise in an error record. The sentence
    /// before it says what happened.
    /// </summary>
    internal static string WithoutStringToSign(string message)
    {
        var at = message.IndexOf("Server string to sign is", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? message : message.Substring(0, at).TrimEnd();
    }

    /// <summary>
    /// Failures that concern the call rather than the one image in it: the operations layer retries,
    /// stops the run, or reports them for every id. Everything else answers for the image.
    /// </summary>
    public static bool IsCallLevel(ErrorKind kind) => kind is ErrorKind.Throttled or ErrorKind.Authentication
        or ErrorKind.InvalidConfiguration or ErrorKind.ServerError or ErrorKind.InvalidResponse
        or ErrorKind.Connection or ErrorKind.Timeout or ErrorKind.Cancelled;
}
