using System;
using System.Linq;
using System.Management.Automation;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Commands;

/// <summary>
/// Engine errors → PowerShell error records: the provider's code is the FullyQualifiedErrorId, the message
/// names the image (or, for an error that stops the command, the provider and region), and
/// ErrorDetails.RecommendedAction says what to do (<see cref="RecommendedAction"/>).
/// </summary>
public static class ErrorMapping
{
    public static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.InUse => ErrorCategory.ResourceBusy,
        ErrorKind.InvalidState => ErrorCategory.InvalidOperation,
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.BatchTooLarge => ErrorCategory.LimitsExceeded,
        ErrorKind.LimitExceeded => ErrorCategory.QuotaExceeded,
        ErrorKind.Throttled => ErrorCategory.LimitsExceeded,
        ErrorKind.Authentication => ErrorCategory.AuthenticationError,
        ErrorKind.ClockSkew => ErrorCategory.AuthenticationError,
        ErrorKind.InvalidConfiguration => ErrorCategory.InvalidArgument,
        ErrorKind.Connection => ErrorCategory.ConnectionError,
        ErrorKind.Timeout => ErrorCategory.OperationTimeout,
        ErrorKind.ServerError => ErrorCategory.ResourceUnavailable,
        ErrorKind.InvalidResponse => ErrorCategory.InvalidResult,
        ErrorKind.Cancelled => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>
    /// A per-image failure: a non-terminating error with the image as its target. An error without an image
    /// id is a whole region's (a listing of many regions that failed in one): the region is its target.
    /// </summary>
    public static ErrorRecord ToRecord(ImageError error)
    {
        var forRegion = error.ImageId.Length == 0 && error.Image is null;
        return Record(new CloudApiException(error.Error), error.Error.Code, error.Error.Kind,
            forRegion ? error.Region : (object?)error.Image ?? error.ImageId,
            (forRegion ? $"{error.Provider} region {error.Region}: " : $"{error.Provider} {error.Region} image {error.ImageId}: ") + error.Error.Message
                + (error.Error.RequestId is null ? "" : $" (RequestId {error.Error.RequestId})"),
            CapabilitiesOf(error.Provider));
    }

    /// <summary>A run that no image could escape (bad credentials, unknown region): the command's one terminating error.</summary>
    public static ErrorRecord ToRecord(RunHaltedException halted, string recordVariable)
    {
        var unfinished = halted.Record.Unfinished.Count;
        var message = $"{halted.Target}: {halted.Error.Code}: {halted.Error.Message.TrimEnd('.')}. Nothing more was sent"
            + (unfinished == 0 ? "." : $"; {unfinished} image(s) were not processed (${recordVariable}.Unfinished lists them).");
        return Record(new CloudApiException(halted.Error, halted), halted.Error.Code, halted.Error.Kind, null, message, null);
    }

    /// <summary>Nothing could start: missing credentials, unknown provider, refused endpoint...</summary>
    public static ErrorRecord ToRecord(ImageCmdletsConfigurationException ex) =>
        Record(ex, ex.ErrorId, ex.Kind, null, ex.Target is null ? ex.Message : $"{ex.Target}: {ex.Message}", null);

    /// <summary>A listing's call failure, which ends Get-CloudImage (there is no image to attach it to).</summary>
    public static ErrorRecord ToRecord(CloudApiException ex) =>
        Record(ex, ex.Error.Code, ex.Error.Kind, null, ex.Target is null ? ex.Message : $"{ex.Target}: {ex.Message}", null);

    private static ErrorRecord Record(Exception exception, string errorId, ErrorKind kind, object? target, string message, ProviderCapabilities? capabilities) =>
        new(exception, errorId, Category(kind), target)
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = RecommendedAction.For(errorId, kind, capabilities) },
        };

    private static ProviderCapabilities? CapabilitiesOf(string provider) =>
        ProviderRegistry.All.FirstOrDefault(p => string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase))?.Capabilities;
}
