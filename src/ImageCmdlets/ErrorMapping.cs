using System.Management.Automation;
using ImageCmdlets.Operations;

namespace ImageCmdlets.Commands;

/// <summary>Engine errors → PowerShell error records: the provider's code is the FullyQualifiedErrorId.</summary>
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

    public static ErrorRecord ToRecord(ImageError error)
    {
        // An error without an image id is a whole region's (a listing of many regions that failed in one).
        var forRegion = error.ImageId.Length == 0 && error.Image is null;
        var record = new ErrorRecord(new CloudApiException(error.Error), error.Error.Code, Category(error.Error.Kind),
            forRegion ? error.Region : (object?)error.Image ?? error.ImageId);
        record.ErrorDetails = new ErrorDetails((forRegion ? $"{error.Provider} region {error.Region}: " : $"{error.Provider} {error.Region} image {error.ImageId}: ") + error.Error.Message
            + (error.Error.RequestId is null ? "" : $" (RequestId {error.Error.RequestId})"));
        return record;
    }
}
