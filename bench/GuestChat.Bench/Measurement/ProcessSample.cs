using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace GuestChat.Bench.Measurement;

/// <summary>CPU time and memory of one process, read from /proc (Linux), with the moment it was taken.</summary>
public sealed partial record ProcessSample(double CpuSeconds, long RssBytes, long PeakRssBytes, long Timestamp)
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK
    private static readonly double s_clockTicksPerSecond = ReadClockTicks();

    public static ProcessSample Read(int processId)
    {
        var timestamp = Stopwatch.GetTimestamp();
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = KilobytesOf(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = KilobytesOf(line);
        }
        return new ProcessSample(ticks / s_clockTicksPerSecond, rss, peak, timestamp);
    }

    /// <summary>Cores used between two samples: 1.0 is one core busy for the whole interval.</summary>
    public static double CoresBetween(ProcessSample start, ProcessSample end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        return seconds <= 0 ? 0 : (end.CpuSeconds - start.CpuSeconds) / seconds;
    }

    private static long KilobytesOf(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private static double ReadClockTicks()
    {
        var ticks = NativeMethods.sysconf(ClockTicksName);
        return ticks > 0 ? ticks : 100;
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial long sysconf(int name);
    }
}
