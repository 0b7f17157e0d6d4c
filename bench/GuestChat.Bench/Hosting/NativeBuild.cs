namespace GuestChat.Bench.Hosting;

/// <summary>
/// The server's native (Native AOT) build, published by the repository's own <c>scripts/publish-native</c> into
/// <c>artifacts/native</c>: about two minutes the first time, seconds when nothing changed since.
/// </summary>
public static class NativeBuild
{
    public static string Executable => RepositoryPaths.Combine("artifacts", "native", "GuestChat.Server");

    public static async Task<string> PublishAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        progress.WriteLine("publishing the server's native build (scripts/publish-native)");
        await ChildProcess.RunAsync("bash", [RepositoryPaths.Combine("scripts", "publish-native"), Path.GetDirectoryName(Executable)!],
            RepositoryPaths.Root, TimeSpan.FromMinutes(15), cancellationToken);
        return File.Exists(Executable) ? Executable : throw new FileNotFoundException("scripts/publish-native wrote no executable.", Executable);
    }
}
