using System.Net;
using System.Text.Json;

namespace GuestChat.Server.Tests.Support;

/// <summary>Assertions on problem responses: status, <c>application/problem+json</c> and the stable <c>code</c>.</summary>
public static class Problem
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement.Clone();
        Assert.Equal(code, root.GetProperty("code").GetString());
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        return root;
    }

    public static async Task<ApiException> ThrowsAsync(HttpStatusCode status, string code, Func<Task> call)
    {
        var problem = await Assert.ThrowsAsync<ApiException>(call);
        Assert.True(status == problem.Status, $"Expected {(int)status}, got {(int)problem.Status}: {problem.Body}");
        Assert.Equal(code, problem.Code);
        return problem;
    }
}
