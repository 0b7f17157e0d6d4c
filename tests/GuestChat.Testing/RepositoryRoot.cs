namespace GuestChat.Testing;

/// <summary>Finds the repository (the folder holding <c>GuestChat.slnx</c>) from the running tests.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>Vite's output, <c>web/dist</c>: pass it as <see cref="GuestChatHostOptions.WebRoot"/> to serve the web app.</summary>
    public static string WebDist => System.IO.Path.Combine(Path, "web", "dist");

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "GuestChat.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("GuestChat.slnx not found above " + AppContext.BaseDirectory);
    }
}
