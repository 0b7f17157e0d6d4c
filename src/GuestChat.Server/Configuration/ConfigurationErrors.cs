using Microsoft.Extensions.Options;

namespace GuestChat.Server.Configuration;

/// <summary>Turns the exceptions of a bad configuration into the messages an operator needs, without stack traces.</summary>
public static class ConfigurationErrors
{
    public static IReadOnlyList<string> From(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        InvalidOperationException binding when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            [binding.Message],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(From)],
        _ => [],
    };
}
