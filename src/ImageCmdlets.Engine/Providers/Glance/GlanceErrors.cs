using System;
using System.Text.RegularExpressions;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Glance;

/// <summary>
/// Glance answers with HTTP statuses only; these are the codes the module gives its answers, and how a
/// status becomes an image's answer or a failure of the call itself.
/// </summary>
internal static class GlanceErrors
{
    public const string NotFound = "ImageNotFound";
    public const string Protected = "ImageProtected";
    public const string NotOwner = "ImageNotOwned";
    public const string InUse = "ImageInUse";
    public const string InvalidState = "InvalidImageState";

    /// <summary>What a refused DELETE means for the image; null when the failure is the call's own.</summary>
    public static CloudApiError? DeleteRefusal(HttpExchange answer)
    {
        var message = Message(answer);
        CloudApiError Error(string code, ErrorKind kind) => new(code, kind, message, answer.RequestId, answer.StatusCode);
        return answer.StatusCode switch
        {
            403 when message.IndexOf("protected", StringComparison.OrdinalIgnoreCase) >= 0 => Error(Protected, ErrorKind.PermissionDenied),
            403 => Error(NotOwner, ErrorKind.PermissionDenied),
            404 => Error(NotFound, ErrorKind.NotFound),
            409 => Error(InUse, ErrorKind.InUse),
            400 => Error(InvalidState, ErrorKind.InvalidState),
            _ => null,
        };
    }

    /// <summary>Failures of the call itself (not of one image): the operations layer retries or stops on them.</summary>
    public static bool IsCallLevel(HttpExchange answer) => answer.StatusCode is 401 or 429 or >= 500;

    public static CloudApiException CallFailure(HttpExchange answer, string action)
    {
        var error = EngineErrors.Unreadable(answer, action, "a successful Glance answer");
        // Glance's own message says more than the engine's reading of the status; keep the engine's id and kind.
        return new CloudApiException(new CloudApiError(error.Code, error.Kind, $"{action}: HTTP {answer.StatusCode}: {Message(answer)}", answer.RequestId, answer.StatusCode));
    }

    /// <summary>Glance's JSON error message without the HTML line breaks it keeps.</summary>
    public static string Message(HttpExchange answer)
    {
        var text = answer.Json?.GetString("message") ?? answer.Body;
        text = Regex.Replace(text, "<[^>]+>", " ");
        return Regex.Replace(text, @"\s+", " ").Trim();
    }
}
