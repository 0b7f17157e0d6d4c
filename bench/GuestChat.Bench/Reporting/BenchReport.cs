using System.Globalization;
using System.Text;

namespace GuestChat.Bench.Reporting;

/// <summary>One measured row: a scenario name and its fields in order.</summary>
public sealed record ReportLine(string Scenario, IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    /// <summary>The machine-readable form: <c>bench &lt;scenario&gt; key=value ...</c>.</summary>
    public override string ToString() =>
        $"bench {Scenario} {string.Join(' ', Fields.Select(field => $"{field.Key}={field.Value}"))}";
}

/// <summary>Collects the rows of a run and prints them as aligned tables, then one machine-readable line each.</summary>
public sealed class BenchReport
{
    private readonly List<ReportLine> _lines = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<ReportLine> Lines
    {
        get
        {
            lock (_gate) return [.. _lines];
        }
    }

    public ReportLine Add(string scenario, params (string Key, object Value)[] fields)
    {
        var line = new ReportLine(scenario, [.. fields.Select(field => KeyValuePair.Create(field.Key, Format(field.Value)))]);
        lock (_gate) _lines.Add(line);
        return line;
    }

    public void Write(TextWriter output)
    {
        var lines = Lines;
        foreach (var group in lines.GroupBy(line => line.Scenario))
        {
            output.WriteLine();
            output.WriteLine(group.Key);
            WriteTable(output, [.. group]);
        }
        output.WriteLine();
        foreach (var line in lines) output.WriteLine(line.ToString());
    }

    public static string Format(object value) => value switch
    {
        double number when double.IsNaN(number) || double.IsInfinity(number) => "na",
        double number when Math.Abs(number) >= 100 => number.ToString("0", CultureInfo.InvariantCulture),
        double number when Math.Abs(number) >= 10 => number.ToString("0.#", CultureInfo.InvariantCulture),
        double number => number.ToString("0.###", CultureInfo.InvariantCulture),
        bool flag => flag ? "yes" : "no",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        null => "na",
        _ => Sanitize(value.ToString() ?? "na"),
    };

    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var character in text.Trim()) builder.Append(char.IsWhiteSpace(character) || character == '=' ? '_' : character);
        return builder.Length == 0 ? "na" : builder.ToString();
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<ReportLine> rows)
    {
        var keys = rows.SelectMany(row => row.Fields.Select(field => field.Key)).Distinct().ToList();
        var cells = rows.Select(row => keys.Select(key => row.Fields.FirstOrDefault(field => field.Key == key).Value ?? "").ToList()).ToList();
        var widths = keys.Select((key, column) => Math.Max(key.Length, cells.Max(row => row[column].Length))).ToList();
        output.WriteLine("  " + string.Join("  ", keys.Select((key, column) => key.PadLeft(widths[column]))));
        foreach (var row in cells) output.WriteLine("  " + string.Join("  ", row.Select((cell, column) => cell.PadLeft(widths[column]))));
    }
}
