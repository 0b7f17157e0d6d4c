using GuestChat.Bench.Hosting;

namespace GuestChat.Bench.Tests;

/// <summary>The benchmark starts the server as operators do: the JIT build with its launch profile's runtime settings.</summary>
public sealed class ServerEnvironmentTests
{
    [Fact]
    public void TheJitBuildGetsTheLaunchProfilesSmallGen0BudgetAndTheNativeBuildCarriesItsOwn()
    {
        var data = Path.Combine(Path.GetTempPath(), "unused");
        var address = new Uri("http://127.0.0.1:5080/");

        var jit = ServerEnvironment.For(data, address, Path.Combine("somewhere", "GuestChat.Server.dll"));
        var native = ServerEnvironment.For(data, address, Path.Combine("somewhere", "GuestChat.Server"));

        Assert.Equal("0x400000", jit["DOTNET_GCgen0size"]); // src/GuestChat.Server/Properties/launchSettings.json
        Assert.False(native.ContainsKey("DOTNET_GCgen0size")); // built in (GuestChat.Server.csproj, IlcArg)
        Assert.Equal("Production", jit["ASPNETCORE_ENVIRONMENT"]);
    }

    [Fact]
    public void ALaunchProfileWithoutVariablesOrAMissingFileGivesNone()
    {
        var folder = Directory.CreateTempSubdirectory("guestchat-launch-");
        try
        {
            var path = Path.Combine(folder.FullName, "launchSettings.json");
            Assert.Empty(ServerEnvironment.LaunchProfileEnvironment(path));
            File.WriteAllText(path, """{ "profiles": { "a": { "commandName": "Project" }, "b": { "environmentVariables": { "X": "1", "N": 2 } } } }""");
            Assert.Equal([("X", "1")], ServerEnvironment.LaunchProfileEnvironment(path));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
