namespace GuestChat.Server.Configuration;

/// <summary>Where GuestChat keeps its data (<c>GuestChat:DataDirectory</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The data folder, relative to the current directory unless absolute. Created at start.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The absolute data folder.</summary>
    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    /// <summary>The SQLite database file inside the data folder.</summary>
    public string DatabaseFile => Path.Combine(FullDataDirectory, "guestchat.db");
}
