using System.Runtime.InteropServices;

namespace GuestChat.Bench.Hosting;

/// <summary>
/// Raises this process's open-file limit (RLIMIT_NOFILE) before thousands of sockets are opened. Child
/// processes (the server, the peer) inherit it. Without CAP_SYS_RESOURCE the hard limit cannot be raised,
/// so the soft limit goes as high as the hard limit allows, and the benchmark caps its socket counts to fit.
/// </summary>
public static partial class FileLimit
{
    private const int ResourceOpenFiles = 7; // RLIMIT_NOFILE on Linux

    /// <summary>Tries to set the limit to <paramref name="wanted"/>; answers the soft limit now in force.</summary>
    public static long Raise(long wanted)
    {
        if (!OperatingSystem.IsLinux()) return wanted;
        if (NativeMethods.getrlimit(ResourceOpenFiles, out var current) != 0) return 1024;
        if ((long)current.Soft >= wanted) return (long)current.Soft;
        var both = new ResourceLimit { Soft = (ulong)wanted, Hard = Math.Max((ulong)wanted, current.Hard) };
        if (NativeMethods.setrlimit(ResourceOpenFiles, in both) == 0) return wanted;
        var softOnly = new ResourceLimit { Soft = Math.Min((ulong)wanted, current.Hard), Hard = current.Hard };
        return NativeMethods.setrlimit(ResourceOpenFiles, in softOnly) == 0 ? (long)softOnly.Soft : (long)current.Soft;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Soft;
        public ulong Hard;
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int getrlimit(int resource, out ResourceLimit limit);

        [LibraryImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int setrlimit(int resource, in ResourceLimit limit);
    }
}
