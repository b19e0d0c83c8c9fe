using System.Globalization;
using System.Text;

namespace Paas.Bench;

/// <summary>
/// The benchmark's data, generated deterministically (SplitMix64 with a fixed seed, so every run and machine gets the
/// same files): accounts with a picklist, a city and a unique code; opportunities pointing at them.
/// </summary>
internal static class DataGenerator
{
    public const ulong Seed = 20_240_601;

    public static readonly string[] Industries = ["Software", "Retail", "Manufacturing", "Finance", "Healthcare", "Energy", "Education", "Logistics"];

    public static readonly string[] Stages = ["Prospecting", "Qualification", "Proposal", "Negotiation", "ClosedWon", "ClosedLost"];

    /// <summary>Cumulative percentages of the stages above (Negotiation is 15%).</summary>
    private static readonly int[] StageWeights = [25, 45, 65, 80, 90, 100];

    private static readonly int[] StageProbability = [10, 25, 50, 75, 100, 0];

    private static readonly string[] Cities =
    [
        "Amsterdam", "Athens", "Austin", "Barcelona", "Berlin", "Bogota", "Boston", "Brussels", "Budapest", "Cairo", "Chicago",
        "Copenhagen", "Dallas", "Denver", "Dublin", "Geneva", "Hamburg", "Helsinki", "Istanbul", "Lagos", "Leeds", "Lima", "Lisbon",
        "London", "Lyon", "Madrid", "Manila", "Melbourne", "Miami", "Milan", "Montreal", "Mumbai", "Munich", "Nairobi", "Oslo",
        "Paris", "Porto", "Prague", "Rome", "Santiago", "Seattle", "Seoul", "Singapore", "Stockholm", "Sydney", "Tokyo", "Toronto",
        "Valencia", "Vienna", "Warsaw", "Zurich",
    ];

    private static readonly string[] NameFirst =
    [
        "Acme", "Apex", "Blue", "Bright", "Cedar", "Crown", "Delta", "Eagle", "Echo", "Falcon", "Global", "Golden", "Granite", "Harbor",
        "Iron", "Jade", "Keystone", "Lunar", "Maple", "Nova", "Oak", "Orbit", "Peak", "Pioneer", "Quantum", "Red", "River", "Silver",
        "Summit", "Terra", "Union", "Vertex",
    ];

    private static readonly string[] NameSecond =
    [
        "Analytics", "Bank", "Brands", "Capital", "Clinics", "Dynamics", "Energy", "Foods", "Freight", "Health", "Holdings", "Industries",
        "Labs", "Logistics", "Media", "Motors", "Networks", "Partners", "Retail", "Robotics", "Software", "Solutions", "Systems", "Works",
    ];

    /// <summary>Writes the accounts CSV (name, code, industry, city).</summary>
    public static void WriteAccounts(string path, int count)
    {
        var rng = new SplitMix64(Seed);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("name,code,industry,city\n");
        for (var i = 1; i <= count; i++)
        {
            var name = NameFirst[rng.Next(NameFirst.Length)] + " " + NameSecond[rng.Next(NameSecond.Length)] + " " + rng.Next(100_000).ToString("D5", CultureInfo.InvariantCulture);
            writer.Write(name);
            writer.Write(',');
            writer.Write("ACC-" + i.ToString("D6", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(Industries[rng.Next(Industries.Length)]);
            writer.Write(',');
            writer.Write(Cities[rng.Next(Cities.Length)]);
            writer.Write('\n');
        }
    }

    /// <summary>The code of account number <paramref name="i"/> (1-based), as written by <see cref="WriteAccounts"/>.</summary>
    public static string AccountCode(int i) => "ACC-" + i.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>Writes the opportunities CSV (name, account, stage, amount, probability, closeDate); returns the count per stage.</summary>
    public static Dictionary<string, int> WriteOpportunities(string path, int count, IReadOnlyList<string> accountIds)
    {
        var rng = new SplitMix64(Seed ^ 0x9E3779B97F4A7C15UL);
        var perStage = Stages.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        var start = new DateOnly(2024, 1, 1);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("name,account,stage,amount,probability,closeDate\n");
        for (var i = 1; i <= count; i++)
        {
            var roll = rng.Next(100);
            var stage = Array.FindIndex(StageWeights, w => roll < w);
            perStage[Stages[stage]]++;
            var cents = 10_000L + (long)rng.Next(24_990_000);
            writer.Write("Deal ");
            writer.Write(i.ToString("D6", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(accountIds[rng.Next(accountIds.Count)]);
            writer.Write(',');
            writer.Write(Stages[stage]);
            writer.Write(',');
            writer.Write((cents / 100).ToString(CultureInfo.InvariantCulture));
            writer.Write('.');
            writer.Write((cents % 100).ToString("D2", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(StageProbability[stage].ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(start.AddDays(rng.Next(1096)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            writer.Write('\n');
        }

        return perStage;
    }

    /// <summary>SplitMix64: tiny, fast and the same on every platform and runtime version (unlike System.Random's seeding).</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public int Next(int exclusiveMax)
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z % (ulong)exclusiveMax);
        }
    }
}
