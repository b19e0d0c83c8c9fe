using Paas.Data.Query;

namespace Paas.Data.Tests.Query;

/// <summary>The row storage of list reads: a shared shape of names and one array of values per row, read as a dictionary.</summary>
public sealed class RecordValuesTests
{
    [Fact]
    public void Reads_like_a_read_only_dictionary_by_name_whatever_string_instance_asks()
    {
        var shape = new RecordShape(["id", "name", "amount"]);
        var row = new RecordValues(shape, [7, "Acme", null]);

        Assert.Equal(3, row.Count);
        Assert.Equal("Acme", row["name"]);
        Assert.Equal("Acme", row[new string("name".ToCharArray())]); // equal, not the same instance
        Assert.True(row.TryGetValue("amount", out var amount));
        Assert.Null(amount);
        Assert.False(row.TryGetValue("missing", out _));
        Assert.False(row.ContainsKey("Name"));
        Assert.Null(row.GetValueOrDefault("missing"));
        Assert.Throws<KeyNotFoundException>(() => row["missing"]);
        Assert.Equal(["id", "name", "amount"], row.Keys);
        Assert.Equal([7, "Acme", null], row.Values);
        Assert.Equal(new Dictionary<string, object?> { ["id"] = 7, ["name"] = "Acme", ["amount"] = null }, new Dictionary<string, object?>(row));
    }

    [Fact]
    public void A_name_given_twice_reads_as_its_last_value_and_is_listed_once()
    {
        var shape = new RecordShape(["id", "name", "id"]);
        var row = new RecordValues(shape, [1, "first", 2]);

        Assert.Equal(2, row.Count);
        Assert.Equal(2, row["id"]);
        Assert.Equal(2, shape.IndexOf("id"));
        Assert.Equal(["name", "id"], row.Keys);
        Assert.Equal(new Dictionary<string, object?> { ["name"] = "first", ["id"] = 2 }, new Dictionary<string, object?>(row));
    }

    [Fact]
    public void Rows_share_their_shape_and_keep_their_own_values()
    {
        var shape = new RecordShape(["id", "name"]);
        var a = new RecordValues(shape, [1, "a"]);
        var b = new RecordValues(shape, [2, "b"]);

        Assert.Same(a.Shape, b.Shape);
        Assert.Equal("a", a["name"]);
        Assert.Equal("b", b["name"]);
        Assert.Equal(2, b.At(0));
    }
}
