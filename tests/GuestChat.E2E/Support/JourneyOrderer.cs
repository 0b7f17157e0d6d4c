using Xunit.Abstractions;
using Xunit.Sdk;

namespace GuestChat.E2E.Support;

/// <summary>Gives a journey its number; the journeys run in that order, so the leak check (journey 8) can run last.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class JourneyAttribute(int number) : Attribute
{
    public int Number { get; } = number;
}

/// <summary>Orders test cases by their <see cref="JourneyAttribute"/> number.</summary>
public sealed class JourneyOrderer : ITestCaseOrderer
{
    public const string TypeName = "GuestChat.E2E.Support.JourneyOrderer";
    public const string AssemblyName = "GuestChat.E2E";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases.OrderBy(testCase => Number(testCase)).ThenBy(testCase => testCase.TestMethod.Method.Name, StringComparer.Ordinal);

    private static int Number(ITestCase testCase) =>
        testCase.TestMethod.Method.GetCustomAttributes(typeof(JourneyAttribute)).FirstOrDefault()
            ?.GetConstructorArguments().OfType<int>().FirstOrDefault() ?? int.MaxValue;
}
