using Paas.Core.Configuration;
using Paas.Testing;

namespace Paas.Data.Tests.Support;

/// <summary>Theory data that crosses every database provider with a list of cases.</summary>
public static class Providers
{
    public static TheoryData<DatabaseProvider, T> Cross<T>(IEnumerable<T> cases)
    {
        var data = new TheoryData<DatabaseProvider, T>();
        foreach (var provider in ((IEnumerable<object[]>)DatabaseProviders.All).Select(row => (DatabaseProvider)row[0]))
        {
            foreach (var item in cases)
            {
                data.Add(provider, item);
            }
        }

        return data;
    }
}
