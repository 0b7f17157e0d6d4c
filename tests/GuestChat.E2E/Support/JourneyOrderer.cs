using Xunit.Abstractions;
using Xunit.Sdk;

namespace GuestChat.E2E.Support;

/// <summary>
/// Gives a journey its number; the journeys run in that order, except that one marked <see cref="RunsLast"/>
/// (the leak check, journey 8, which looks at everything the others did) runs after all of them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class JourneyAttribute(int number) : Attribute
{
    public int Number { get; } = number;

    public bool RunsLast { get; init; }
}

/// <summary>Orders test cases by their <see cref="JourneyAttribute"/> number.</summary>
public sealed class JourneyOrderer : ITestCaseOrderer
{
    public const string TypeName = "GuestChat.E2E.Support.JourneyOrderer";
    public const string AssemblyName = "GuestChat.E2E";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(testCase => Position(testCase)).ThenBy(testCase => testCase.TestMethod.Method.Name, StringComparer.Ordinal);

    private static (bool Last, int Number) Position(ITestCase testCase)
    {
        var journey = testCase.TestMethod.Method.GetCustomAttributes(typeof(JourneyAttribute)).FirstOrDefault();
        if (journey is null) return (true, int.MaxValue);
        return (journey.GetNamedArgument<bool>(nameof(JourneyAttribute.RunsLast)), journey.GetConstructorArguments().OfType<int>().First());
    }
}
