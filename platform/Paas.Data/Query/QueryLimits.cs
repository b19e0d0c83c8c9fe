namespace Paas.Data.Query;

/// <summary>Bounds on what one request may ask of the database.</summary>
public static class QueryLimits
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const int MaxFilterDepth = 10;
    public const int MaxInListSize = 1000;
    public const int MaxFilterConditions = 200;
    public const int MaxPatternLength = 1000;
    public const int MaxGroups = 1000;
}
