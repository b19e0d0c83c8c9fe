using System.Diagnostics;
using Paas.Core.Errors;
using Paas.Core.Metadata;
using Paas.Core.Tenancy;
using Paas.Data.Records;
using Paas.Data.Storage;

namespace Paas.Data.Import;

public sealed record ImportRowError(long Line, string Field, string Message);

/// <summary>A row that did not go in: the file's header, the row's line and values, and why.</summary>
public sealed record FailedRow(IReadOnlyList<string> Header, long Line, IReadOnlyList<string> Values, IReadOnlyList<ImportRowError> Errors);

public sealed record ImportProgress(long RowsRead, long Created, long Updated, long Failed);

public sealed record ImportResult(string Object, long RowsRead, long Created, long Updated, long Failed, IReadOnlyList<ImportRowError> Errors, TimeSpan Elapsed);

/// <summary>
/// Loads CSV rows into an object in batches through the write pipeline, so imported records get exactly the
/// validation of single writes. A batch commits as a whole; if it fails, its rows are retried one by one, so every
/// row either goes in or is reported (with its line, field and reason) — never half a batch without a word.
/// </summary>
public sealed class RecordImporter(IDatabaseConnector connector, TimeProvider time, Scripting.ScriptService? scripts = null, RequestLimits? defaultLimits = null,
    Workflows.IWorkflowStarter? workflows = null)
{
    public const int MaxReportedErrors = 1_000;

    /// <param name="matchOn">A unique field to upsert on; null to insert every row.</param>
    /// <param name="failedRows">Receives each failed row (its line, values and errors), e.g. to write an error file.</param>
    public async Task<ImportResult> ImportAsync(
        Caller caller, TenantMetadata metadata, ObjectDefinition definition, TextReader csv, FieldDefinition? matchOn, int batchSize,
        Func<ImportProgress, Task>? progress, Func<FailedRow, Task>? failedRows, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        batchSize = Math.Clamp(batchSize, 1, RecordWritePipeline.MaxBatchSize);
        var reader = new CsvReader(csv);
        var header = await reader.ReadRowAsync(ct) ?? throw PaasException.Validation("file", "The file is empty: the first line must name the fields.");
        var columns = MapHeader(definition, header);
        var state = new State { Header = header };
        var batch = new List<Row>(batchSize);
        while (await reader.ReadRowAsync(ct) is { } values)
        {
            if (values is [""])
            {
                continue;
            }

            state.RowsRead++;
            batch.Add(new Row(reader.Line, values, ToInput(columns, values)));
            if (batch.Count == batchSize)
            {
                await RunBatchAsync(caller, metadata, definition, matchOn, batch, state, failedRows, ct);
                batch.Clear();
                if (progress is not null)
                {
                    await progress(new ImportProgress(state.RowsRead, state.Created, state.Updated, state.Failed));
                }
            }
        }

        if (batch.Count > 0)
        {
            await RunBatchAsync(caller, metadata, definition, matchOn, batch, state, failedRows, ct);
        }

        return new ImportResult(definition.ApiName, state.RowsRead, state.Created, state.Updated, state.Failed, state.Errors, Stopwatch.GetElapsedTime(started));
    }

    private static List<FieldDefinition?> MapHeader(ObjectDefinition definition, IReadOnlyList<string> header)
    {
        var errors = new FieldErrorList();
        var columns = new List<FieldDefinition?>();
        foreach (var (name, i) in header.Select((h, i) => (h.Trim(), i)))
        {
            var field = definition.FindField(name);
            if (field is null || !field.IsWritable)
            {
                errors.Add($"header[{i}]", field is null ? $"'{definition.ApiName}' has no field '{name}'." : $"'{name}' cannot be written.");
            }
            else if (columns.Contains(field))
            {
                errors.Add($"header[{i}]", $"'{name}' appears twice.");
            }

            columns.Add(field);
        }

        errors.ThrowIfAny();
        return columns;
    }

    private static Dictionary<string, object?> ToInput(List<FieldDefinition?> columns, IReadOnlyList<string> values)
    {
        var input = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            input[columns[i]!.ApiName] = i < values.Count && values[i].Length > 0 ? values[i] : null;
        }

        return input;
    }

    private async Task RunBatchAsync(Caller caller, TenantMetadata metadata, ObjectDefinition definition, FieldDefinition? matchOn,
        List<Row> batch, State state, Func<FailedRow, Task>? failedRows, CancellationToken ct)
    {
        var valid = new List<Row>(batch.Count);
        foreach (var row in batch)
        {
            var errors = new FieldErrorList();
            if (row.Values.Count > state.Header.Count)
            {
                errors.Add("row", $"The row has {row.Values.Count} cells but the header names {state.Header.Count} fields (an unquoted comma?).");
                await FailAsync(state, row, errors.Errors, failedRows);
                continue;
            }

            RecordInputValidator.Validate(definition, row.Input, creating: matchOn is null, "", errors);
            if (errors.HasErrors)
            {
                await FailAsync(state, row, errors.Errors, failedRows);
            }
            else
            {
                valid.Add(row);
            }
        }

        if (valid.Count == 0)
        {
            return;
        }

        try
        {
            var (created, updated) = await WriteAsync(caller, metadata, definition, matchOn, valid, ct);
            state.Created += created;
            state.Updated += updated;
        }
        catch (PaasException) when (valid.Count > 1)
        {
            foreach (var row in valid)
            {
                try
                {
                    var (created, updated) = await WriteAsync(caller, metadata, definition, matchOn, [row], ct);
                    state.Created += created;
                    state.Updated += updated;
                }
                catch (PaasException ex)
                {
                    await FailAsync(state, row, ex.FieldErrors.Count > 0 ? ex.FieldErrors : [new FieldError("row", ex.Message)], failedRows);
                }
            }
        }
        catch (PaasException ex)
        {
            await FailAsync(state, valid[0], ex.FieldErrors.Count > 0 ? ex.FieldErrors : [new FieldError("row", ex.Message)], failedRows);
        }
    }

    private async Task<(int Created, int Updated)> WriteAsync(Caller caller, TenantMetadata metadata, ObjectDefinition definition, FieldDefinition? matchOn, List<Row> rows, CancellationToken ct)
    {
        // Each batch is one transaction with its own script budget: triggers and validation rules run as for any write,
        // and their executions are logged (in their own transaction, so also when the batch fails).
        var environment = scripts is null ? null
            : new Scripting.ScriptEnvironment(scripts.Runner, new Core.Scripting.ScriptGovernor((caller.Tenant.Limits ?? defaultLimits ?? new RequestLimits()).Scripts), caller, time);
        try
        {
            return await WriteBatchAsync(caller, metadata, definition, matchOn, rows, environment, ct);
        }
        finally
        {
            if (environment is { Runs.Count: > 0 })
            {
                await scripts!.WriteRunsAsync(caller.Tenant, environment.Runs, CancellationToken.None);
            }
        }
    }

    private async Task<(int Created, int Updated)> WriteBatchAsync(Caller caller, TenantMetadata metadata, ObjectDefinition definition, FieldDefinition? matchOn,
        List<Row> rows, Scripting.ScriptEnvironment? environment, CancellationToken ct)
    {
        await using var connection = await connector.OpenAsync(caller.Tenant, ct);
        await using var session = new TenantSession(caller.Tenant, connection, connector.Dialect, metadata) { Access = caller.Access, Scripts = environment, Workflows = workflows };
        await session.BeginAsync(ct);
        var pipeline = new RecordWritePipeline(session, caller, time);
        int created = 0, updated = 0;
        if (matchOn is null)
        {
            created = (await pipeline.CreateAsync(definition, rows.Select(r => (IReadOnlyDictionary<string, object?>)r.Input).ToList(), ct)).Count;
        }
        else
        {
            foreach (var row in rows)
            {
                var (_, wasCreated) = await pipeline.UpsertAsync(definition, matchOn, row.Input, ct);
                _ = wasCreated ? created++ : updated++;
            }
        }

        await session.CommitAsync(ct);
        return (created, updated);
    }

    private static async Task FailAsync(State state, Row row, IReadOnlyList<FieldError> errors, Func<FailedRow, Task>? failedRows)
    {
        state.Failed++;
        var rowErrors = errors.Select(e => new ImportRowError(row.Line, StripBatchPrefix(e.Field), e.Message)).ToList();
        foreach (var error in rowErrors.TakeWhile(_ => state.Errors.Count < MaxReportedErrors))
        {
            state.Errors.Add(error);
        }

        if (failedRows is not null)
        {
            await failedRows(new FailedRow(state.Header, row.Line, row.Values, rowErrors));
        }
    }

    private static string StripBatchPrefix(string field) =>
        field.StartsWith("inputs[", StringComparison.Ordinal) && field.IndexOf("].", StringComparison.Ordinal) is var end and > 0 ? field[(end + 2)..] : field;

    private sealed record Row(long Line, IReadOnlyList<string> Values, Dictionary<string, object?> Input);

    private sealed class State
    {
        public long RowsRead { get; set; }
        public long Created { get; set; }
        public long Updated { get; set; }
        public long Failed { get; set; }
        public List<ImportRowError> Errors { get; } = [];
        public IReadOnlyList<string> Header { get; init; } = [];
    }
}
