using System;
using System.Collections.Generic;
using ImageCmdlets.Providers.Huawei;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Huawei;

/// <summary>Huawei's gateway and IMS error bodies become error ids and kinds; an answer without a code is left to the Glance reading.</summary>
public sealed class HuaweiErrorTests
{
    private static HttpExchange Answer(int status, string body) =>
        new(status, body, new Dictionary<string, string>(), TimeSpan.Zero);

    [Theory]
    [InlineData(401, "{\"error_msg\":\"Incorrect IAM authentication information: verify aksk signature fail\",\"error_code\":\"APIGW.0301\",\"request_id\":\"r1\"}", "APIGW.0301", ErrorKind.Authentication)]
    [InlineData(401, "{\"error_msg\":\"Incorrect IAM authentication information: signature expired\",\"error_code\":\"APIGW.0301\",\"request_id\":\"r1\"}", "APIGW.0301", ErrorKind.ClockSkew)]
    [InlineData(401, "{\"error_msg\":\"The token must be updated.\",\"error_code\":\"APIGW.0307\",\"request_id\":\"r1\"}", "APIGW.0307", ErrorKind.Authentication)]
    [InlineData(403, "{\"error_msg\":\"The API access is denied.\",\"error_code\":\"APIGW.0306\",\"request_id\":\"r1\"}", "APIGW.0306", ErrorKind.PermissionDenied)]
    [InlineData(429, "{\"error_msg\":\"The throttling threshold has been reached\",\"error_code\":\"APIGW.0308\",\"request_id\":\"r1\"}", "APIGW.0308", ErrorKind.Throttled)]
    [InlineData(404, "{\"error\":{\"code\":\"IMG.0027\",\"message\":\"The image does not exist.\"}}", "IMG.0027", ErrorKind.NotFound)]
    [InlineData(409, "{\"error\":{\"code\":\"IMG.0999\",\"message\":\"Conflict.\"}}", "IMG.0999", ErrorKind.InUse)]
    [InlineData(503, "{\"error_msg\":\"Service unavailable\",\"error_code\":\"APIGW.0201\",\"request_id\":\"r1\"}", "APIGW.0201", ErrorKind.ServerError)]
    public void Coded_answers_keep_their_code_and_get_the_right_kind(int status, string body, string code, ErrorKind kind)
    {
        var error = HuaweiErrors.ProviderError(Answer(status, body), "GlanceDeleteImage")!;
        Assert.Equal((code, kind, status), (error.Code, error.Kind, error.HttpStatus));
        Assert.Equal(kind is ErrorKind.Throttled or ErrorKind.ServerError, error.IsRetryable);
    }

    [Theory]
    [InlineData(404, "{\"code\":404,\"message\":\"No image found with ID x\",\"title\":\"Not Found\"}")]
    [InlineData(403, "<html><body>403 Forbidden</body></html>")]
    [InlineData(204, "")]
    public void Answers_without_a_Huawei_code_are_left_to_the_Glance_reading(int status, string body)
    {
        Assert.Null(HuaweiErrors.ProviderError(Answer(status, body), "GlanceDeleteImage"));
    }

    [Fact]
    public void An_echoed_canonical_request_is_cut_from_the_message()
    {
        var error = HuaweiErrors.ProviderError(Answer(401,
            "{\"error_msg\":\"Incorrect IAM authentication information: verify aksk signature fail, CanonicalRequest: DELETE\\n/v2/images/x/\\n\\nx-security-token:SECRETTOKEN\\n\",\"error_code\":\"APIGW.0301\",\"request_id\":\"r1\"}"), "GlanceDeleteImage")!;
        Assert.DoesNotContain("SECRETTOKEN", error.Message);
        Assert.Contains("verify aksk signature fail", error.Message);
    }
}
