using System;
using System.Text.RegularExpressions;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Huawei;

/// <summary>
/// Huawei's answers that carry a code: the API gateway's <c>{"error_msg","error_code":"APIGW.xxxx","request_id"}</c>
/// and IMS's <c>{"error":{"code":"IMG.xxxx","message"}}</c>. IMS's own codes for a refused delete are not
/// published, so an answer without a code is read as Glance's (named from its HTTP status, <see cref="Glance.GlanceErrors"/>).
/// </summary>
internal static class HuaweiErrors
{
    /// <summary>AK/SK signature check failed (also a request time outside the window); five in a row lock the key for 5 minutes.</summary>
    public const string SignatureFailure = "APIGW.0301";
    /// <summary>App authentication failed (the gateway also says so for an expired signature).</summary>
    public const string AppAuthFailure = "APIGW.0303";
    public const string AccessDenied = "APIGW.0306";
    public const string TokenExpired = "APIGW.0307";
    public const string Throttled = "APIGW.0308";

    public static readonly Providers.ErrorCodeMap Map = new Providers.ErrorCodeMap()
        .Add(SignatureFailure, ErrorKind.Authentication)
        .Add(AppAuthFailure, ErrorKind.Authentication)
        .Add(TokenExpired, ErrorKind.Authentication)
        .Add(AccessDenied, ErrorKind.PermissionDenied)
        .Add(Throttled, ErrorKind.Throttled);

    public static string? CodeOf(HttpExchange answer) =>
        answer.Json is { Kind: JsonKind.Object } json ? json.GetString("error_code") ?? json["error"]?.GetString("code") : null;

    private static string MessageOf(HttpExchange answer) =>
        answer.Json?.GetString("error_msg") ?? answer.Json?["error"]?.GetString("message") ?? "";

    /// <summary>The gateway refused the request time (the computer's clock is off), not the key.</summary>
    public static bool IsExpiredRequestTime(HttpExchange answer) =>
        CodeOf(answer) is SignatureFailure or AppAuthFailure && MessageOf(answer).IndexOf("expired", StringComparison.OrdinalIgnoreCase) >= 0;

    /// <summary>The error an answer with a Huawei code carries; null for an answer without one (read as Glance's).</summary>
    public static CloudApiError? ProviderError(HttpExchange answer, string action)
    {
        if (answer.IsSuccess || CodeOf(answer) is not { Length: > 0 } code) return null;
        var kind = IsExpiredRequestTime(answer) ? ErrorKind.ClockSkew : Map.KindOf(code);
        if (kind == ErrorKind.Unknown) kind = Providers.ErrorCodeMap.KindOfStatus(answer.StatusCode);
        var requestId = answer.Json?.GetString("request_id") ?? answer.RequestId;
        return new CloudApiError(code, kind, $"{action}: {Redact(MessageOf(answer))}", requestId, answer.StatusCode);
    }

    /// <summary>
    /// A signature failure may echo the canonical request the gateway computed, which can hold a security
    /// token: everything from that echo on is cut.
    /// </summary>
    public static string Redact(string message)
    {
        var cut = Regex.Match(message, "canonical", RegexOptions.IgnoreCase);
        var text = cut.Success ? message.Substring(0, cut.Index).TrimEnd(' ', ':', ',', ';') + " (the gateway's canonical request is not shown)" : message;
        return Regex.Replace(text, @"\s+", " ").Trim();
    }
}
