using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using GraphQL.Types;
using GraphQLParser.AST;
using Paas.Core.Tenancy;

namespace Paas.GraphQL.Http;

/// <summary>
/// Documents that parsed and passed validation against one schema instance, keyed by their text. A repeated query skips
/// parsing, the size check and the validation rules; variables are still coerced on every request. A schema instance
/// stands for one tenant's metadata version, so a metadata change starts with an empty cache. Bounded by entries and
/// characters: when either bound would be passed, the cache is emptied and refills with what is asked next.
/// </summary>
public sealed class ValidatedDocumentCache
{
    public const int DefaultMaxEntries = 512;
    public const long DefaultMaxCharacters = 4 * 1024 * 1024;

    private static readonly ConditionalWeakTable<ISchema, ValidatedDocumentCache> PerSchema = [];

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly int _maxEntries;
    private readonly long _maxCharacters;
    private long _characters;

    public ValidatedDocumentCache(int maxEntries = DefaultMaxEntries, long maxCharacters = DefaultMaxCharacters)
    {
        _maxEntries = maxEntries;
        _maxCharacters = maxCharacters;
    }

    /// <summary>
    /// A document validated under <paramref name="Limits"/>; whether it declares variables decides which rules still run.
    /// <paramref name="Direct"/> is its direct plan for the operation named <paramref name="DirectOperation"/>, if it has one.
    /// </summary>
    public sealed record Entry(GraphQLDocument Document, RequestLimits Limits, bool HasVariables, Execution.DirectQuery? Direct = null, string? DirectOperation = null)
    {
        /// <summary>The direct plan for a request naming <paramref name="operationName"/>, or null.</summary>
        public Execution.DirectQuery? DirectFor(string? operationName) => string.Equals(operationName, DirectOperation, StringComparison.Ordinal) ? Direct : null;
    }

    public int Count => _entries.Count;

    public static ValidatedDocumentCache For(ISchema schema) => PerSchema.GetValue(schema, static _ => new ValidatedDocumentCache());

    /// <summary>The cached document for this text, if it was validated under the same limits.</summary>
    public bool TryGet(string query, RequestLimits limits, out Entry entry)
    {
        if (_entries.TryGetValue(query, out entry!) && entry.Limits.Equals(limits))
        {
            return true;
        }

        entry = null!;
        return false;
    }

    public void Add(string query, GraphQLDocument document, RequestLimits limits, Execution.DirectQuery? direct = null, string? directOperation = null)
    {
        if (query.Length > _maxCharacters)
        {
            return;
        }

        if (_entries.Count >= _maxEntries || Interlocked.Read(ref _characters) + query.Length > _maxCharacters)
        {
            Clear();
        }

        var entry = new Entry(document, limits, HasVariableDefinitions(document), direct, directOperation);
        _entries.AddOrUpdate(query, entry, (_, _) => entry);
        Interlocked.Add(ref _characters, query.Length);
    }

    public void Clear()
    {
        _entries.Clear();
        Interlocked.Exchange(ref _characters, 0);
    }

    private static bool HasVariableDefinitions(GraphQLDocument document) =>
        document.Definitions.Any(d => d is GraphQLOperationDefinition { Variables.Items.Count: > 0 });
}
