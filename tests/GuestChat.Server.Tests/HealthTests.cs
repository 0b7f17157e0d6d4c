using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests;

public sealed class HealthTests(SharedServer server) : IClassFixture<SharedServer>
{
    [Fact]
    public async Task HealthAnswersOkWhenTheDatabaseAnswers()
    {
        using var client = server.Host.CreateClient();
        using var response = await client.Http.GetAsync("healthz");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }
}
