using System.Globalization;

namespace GuestChat.Server.Web;

/// <summary>Collects validation messages per field for a 400 <c>validation</c> problem.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    /// <summary>Checks a decoded byte value's length.</summary>
    public void Bytes(string field, byte[] value, int min, int max)
    {
        if (value.Length < min || value.Length > max)
        {
            Add(field, min == max ? $"Must be exactly {min} bytes." : $"Must be {min} to {max} bytes.");
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}

/// <summary>Rules for names people type.</summary>
public static class TextRules
{
    /// <summary>Counts characters as people see them (a flag or an accented letter is one).</summary>
    public static int VisibleLength(string text) => new StringInfo(text).LengthInTextElements;

    /// <summary>True when the text has a control character (Unicode Cc).</summary>
    public static bool HasControl(string text) => text.Any(char.IsControl);

    /// <summary>True when the text has a bidirectional control that could disguise what is shown.</summary>
    public static bool HasBidiControl(string text) => text.Any(c =>
        c is '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'));
}
