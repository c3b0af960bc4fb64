using ImageCmdlets.Operations;
using Xunit;

namespace ImageCmdlets.Tests.Operations;

/// <summary>What the executor does after a failed delete call, for every kind of failure, attempt and batch size.</summary>
public class FailureStepTests
{
    [Theory]
    // Retryable kinds are retried until the last attempt, then they are the images' answer.
    [InlineData(ErrorKind.Throttled, 1, 50, "Retry")]
    [InlineData(ErrorKind.ServerError, 5, 1, "Retry")]
    [InlineData(ErrorKind.Connection, 2, 10, "Retry")]
    [InlineData(ErrorKind.Timeout, 3, 1, "Retry")]
    [InlineData(ErrorKind.Throttled, 6, 50, "AnswerAll")]
    [InlineData(ErrorKind.Timeout, 6, 1, "AnswerAll")]
    // No call can succeed: the run halts, whatever the batch.
    [InlineData(ErrorKind.Authentication, 1, 50, "Halt")]
    [InlineData(ErrorKind.InvalidConfiguration, 1, 1, "Halt")]
    // A whole batch refused because of what is in it: shrink, look up, or bisect.
    [InlineData(ErrorKind.BatchTooLarge, 1, 50, "Shrink")]
    [InlineData(ErrorKind.NotFound, 1, 50, "LookUpMissing")]
    [InlineData(ErrorKind.InUse, 1, 50, "Split")]
    [InlineData(ErrorKind.InvalidState, 1, 2, "Split")]
    [InlineData(ErrorKind.PermissionDenied, 1, 2, "Split")]
    [InlineData(ErrorKind.InvalidResponse, 1, 10, "Split")]
    // One image in the call: the failure is its answer.
    [InlineData(ErrorKind.BatchTooLarge, 1, 1, "AnswerAll")]
    [InlineData(ErrorKind.NotFound, 1, 1, "AnswerAll")]
    [InlineData(ErrorKind.InUse, 1, 1, "AnswerAll")]
    [InlineData(ErrorKind.Unknown, 1, 1, "AnswerAll")]
    public void Next_step_after_a_failed_call(ErrorKind kind, int attempt, int batchSize, string expected)
    {
        var failure = new CloudApiError("Code", kind, "message");
        Assert.Equal(expected, DeleteCallExecutor.NextStep(failure, attempt, maxAttempts: 6, batchSize).ToString());
    }
}
