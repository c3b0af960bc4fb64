using System;

namespace ImageCmdlets;

/// <summary>
/// What kind of failure a provider error is. The operations layer decides retries and batch splits
/// from it; the cmdlet layer maps it to a PowerShell ErrorCategory.
/// </summary>
public enum ErrorKind
{
    Unknown,
    NotFound,
    PermissionDenied,
    /// <summary>In use (by instances, shared to others, a store refuses).</summary>
    InUse,
    /// <summary>The image's state forbids it now (creating, importing, copying...).</summary>
    InvalidState,
    InvalidArgument,
    /// <summary>Too many ids in one call: the operations layer shrinks the batch.</summary>
    BatchTooLarge,
    /// <summary>A quota or account limit (not retryable).</summary>
    LimitExceeded,
    Throttled,
    /// <summary>Credentials rejected, signature wrong, token expired: nothing in the run can succeed.</summary>
    Authentication,
    /// <summary>No such region / endpoint: nothing in the run can succeed.</summary>
    InvalidConfiguration,
    /// <summary>The cloud refused the request's time: this computer's clock is off. Nothing can succeed until it is right.</summary>
    ClockSkew,
    Connection,
    Timeout,
    ServerError,
    /// <summary>The server answered with something that cannot be read.</summary>
    InvalidResponse,
    Cancelled,
}

/// <summary>An error as a provider reported it, attached to one image or one call.</summary>
public sealed class CloudApiError
{
    public CloudApiError(string code, ErrorKind kind, string message, string? requestId = null, int? httpStatus = null)
    {
        Code = string.IsNullOrEmpty(code) ? "UnknownError" : code;
        Kind = kind;
        Message = OneLine(message);
        RequestId = requestId;
        HttpStatus = httpStatus;
    }

    /// <summary>The provider's error code, used as the FullyQualifiedErrorId.</summary>
    public string Code { get; }
    public ErrorKind Kind { get; }
    public string Message { get; }
    public string? RequestId { get; }
    public int? HttpStatus { get; }

    /// <summary>Worth sending again after a pause: throttling, network, timeouts, 5xx.</summary>
    public bool IsRetryable => Kind is ErrorKind.Throttled or ErrorKind.Connection or ErrorKind.Timeout or ErrorKind.ServerError;

    /// <summary>The request may have been carried out although no readable answer arrived (network, timeout, 5xx, a garbled body).</summary>
    public bool MayHaveSucceeded => Kind is ErrorKind.Connection or ErrorKind.Timeout or ErrorKind.ServerError or ErrorKind.InvalidResponse;

    /// <summary>Concerns the whole session, not the images in the call (bad credentials, unknown region).</summary>
    public bool IsFatal => Kind is ErrorKind.Authentication or ErrorKind.InvalidConfiguration or ErrorKind.ClockSkew;

    public override string ToString() =>
        RequestId is null ? $"{Code}: {Message}" : $"{Code}: {Message} (RequestId {RequestId})";

    /// <summary>A server's text on one line: an error message is read in a console or a log line, where a
    /// line break (some servers echo whole requests) would look like the start of another record.</summary>
    private static string OneLine(string? text) =>
        string.Join(" ", (text ?? "").Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries)).Trim();
}

/// <summary>Where a failure happened, for the messages of errors that stop a command: "Tencent ap-guangzhou".</summary>
public static class ErrorTarget
{
    public static string Of(string provider, string? region) =>
        string.IsNullOrEmpty(region) ? provider : $"{provider} {region}";
}

/// <summary>A failed API call. Messages carry codes and server text, never credentials.</summary>
public sealed class CloudApiException : Exception
{
    public CloudApiException(CloudApiError error, Exception? inner = null) : base(error.ToString(), inner) => Error = error;

    public CloudApiError Error { get; }

    /// <summary>The provider and region the failed call went to (<see cref="ErrorTarget"/>), once known.</summary>
    public string? Target { get; internal set; }
}

/// <summary>
/// Nothing can start: bad or missing credentials, unknown provider or region, refused endpoint.
/// The cmdlets turn it into a terminating error before any image is touched.
/// </summary>
public sealed class ImageCmdletsConfigurationException : Exception
{
    public ImageCmdletsConfigurationException(string errorId, string message, ErrorKind kind = ErrorKind.InvalidConfiguration, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    /// <summary>A stable id (MissingCredential, UnknownProvider, InsecureEndpoint...).</summary>
    public string ErrorId { get; }
    public ErrorKind Kind { get; }

    /// <summary>The provider and region that could not be reached (<see cref="ErrorTarget"/>), when the problem is one of connecting.</summary>
    public string? Target { get; internal set; }
}

/// <summary>
/// A run ended for every image by an error none of them could escape (bad credentials, unknown
/// region): the command's one terminating error. Its record tells what became of each image.
/// </summary>
public sealed class RunHaltedException : Exception
{
    public RunHaltedException(CloudApiError error, CloudImageRun record, string target)
        : base(error.Message)
    {
        Error = error;
        Record = record;
        Target = target;
    }

    public CloudApiError Error { get; }
    public CloudImageRun Record { get; }
    /// <summary>The provider and region whose error halted the run (<see cref="ErrorTarget"/>).</summary>
    public string Target { get; }
}
