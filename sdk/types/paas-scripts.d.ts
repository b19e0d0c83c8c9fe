// Type declarations of the globals a tenant script sees (docs/scripting.md).
//
// Scripts are JavaScript run in the platform's sandbox: a function body (triggers, actions, scheduled scripts; a
// top-level `return` is allowed there) or a single expression (validation rules). There are no modules, timers, network,
// DOM or Node.js APIs; `eval` and `new Function` throw. These typings describe the current build; where it behaves
// unexpectedly, docs/scripting.md ("Known issues") says so.

declare namespace Paas {
    /** Plain data, as it crosses between a script and the platform. */
    type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

    /**
     * A field value as a script sees it: ids (records, lookups, users) are strings, DATE is `"yyyy-MM-dd"`, DATETIME an
     * ISO 8601 string in UTC, INTEGER/NUMBER/CURRENCY/PERCENT numbers, MULTI_PICKLIST an array of strings, JSON plain data.
     */
    type FieldValue = JsonValue;

    /**
     * A value a script may write. `undefined`, `NaN` and `Infinity` become `null`; a `Date` becomes its ISO string. A number
     * written to a NUMBER, CURRENCY or PERCENT field is rounded to the field's scale (half to even).
     */
    type InputValue = FieldValue | Date | undefined | InputValue[] | { [key: string]: InputValue };

    /** The system fields every stored record has. */
    interface SystemFields {
        /** UUID (time-ordered). */
        id: string;
        /** The record's display name (text, or an auto-number). */
        name: string;
        /** ISO 8601, UTC. */
        createdAt: string;
        /** The id of the user who created the record. */
        createdBy: string;
        /** ISO 8601, UTC. */
        updatedAt: string;
        /** The id of the user who last changed the record. */
        updatedBy: string;
        /** The id of the owning user. */
        ownerId: string;
        /** Starts at 1, +1 on every update. */
        version: number;
    }

    /**
     * A record by field API name. FORMULA and ROLLUP fields are not included. Note: in the current build LOOKUP and
     * MASTER_DETAIL fields are missing from records read from the database (db.*, ctx.old, an action's ctx.record).
     */
    interface PaasRecord extends SystemFields {
        [field: string]: FieldValue | undefined;
    }

    /**
     * A record of a trigger or validation rule batch. Before a create it holds the client's values and field defaults and
     * no system fields yet; otherwise it is a full record.
     */
    type BatchRecord = Partial<SystemFields> & { [field: string]: FieldValue | undefined };

    /** Values for db.create / db.update, by field API name; a lookup is set to the related record's id. */
    interface RecordInput {
        [field: string]: InputValue;
    }

    /** `ctx.user`: the caller (for a scheduled script: the user who last deployed it). */
    interface User {
        id: string;
        name: string | null;
        email: string | null;
        /** The user's role, or null. */
        role: string | null;
    }

    type Scalar = string | number | boolean;

    /**
     * Conditions on one field, as in the data API's filters: eq/neq/in/nin/isNull for all types; gt/gte/lt/lte for numbers,
     * dates and text; contains/startsWith/endsWith (case-insensitive) for text; containsAny/containsAll for multi-picklists.
     * `neq` and `nin` also match empty values. Dates and ids are given as strings.
     */
    interface Operators {
        eq?: Scalar | null;
        neq?: Scalar | null;
        /** At most 1,000 values. */
        in?: Scalar[];
        /** At most 1,000 values. */
        nin?: Scalar[];
        isNull?: boolean;
        gt?: string | number;
        gte?: string | number;
        lt?: string | number;
        lte?: string | number;
        /** At most 1,000 characters; `%` and `_` are literal. */
        contains?: string;
        startsWith?: string;
        endsWith?: string;
        containsAny?: string[];
        containsAll?: string[];
    }

    /**
     * A filter over an object's fields: `{stage: {eq: "ClosedWon"}, amount: {gt: 1000}}`, combined with `and`, `or`, `not`
     * at every level. A LOOKUP or MASTER_DETAIL field takes either operators on its own value (the related id:
     * `{account: {eq: id}}`, `{account: {isNull: true}}`) or a filter on the related record's fields
     * (`{account: {industry: {in: ["Software"]}}}`, `{account: {id: {eq: id}}}`). Only fields the script's user may read
     * can be named (all fields with runAs SYSTEM); FORMULA and ROLLUP fields cannot. At most 10 levels and 200 conditions.
     */
    interface Filter {
        and?: Filter[];
        or?: Filter[];
        not?: Filter;
        [field: string]: Operators | Filter | Filter[] | undefined;
    }

    type SortDirection = "ASC" | "DESC" | "asc" | "desc";

    /** One sort key, `{amount: "DESC"}`. Relations, LONG_TEXT, MULTI_PICKLIST and JSON fields cannot be sorted on. */
    interface OrderBy {
        [field: string]: SortDirection;
    }

    interface QueryOptions {
        filter?: Filter;
        /** At most 10 keys in all; one object is accepted as a list of one. */
        orderBy?: OrderBy[] | OrderBy;
        /** 1 to 500; default 50. There are no cursors. */
        first?: number;
    }

    /**
     * An error thrown by a db.* call (catchable; LIMIT_EXCEEDED is not: it ends the script). Bad arguments are a TypeError
     * instead; an unexpected host failure is a plain Error("Internal error in db.…") without `code`.
     */
    interface DbError extends Error {
        /** VALIDATION_FAILED, NOT_FOUND, FORBIDDEN, CONFLICT, SCRIPT_ERROR (a nested trigger failed), … */
        code: string;
        errors: { field: string; message: string }[];
    }

    /**
     * The data API, in the script's transaction and through the same write pipeline as GraphQL (validation, relations,
     * defaults, the object's triggers and rules). With runAs USER it has the caller's object, field and record access;
     * with runAs SYSTEM none of these checks. Each get/query counts against `scriptQueries`, each create/update/delete
     * against `scriptDmlStatements` and `scriptDmlRows` (one row).
     */
    interface Db {
        /** The record, or null when it does not exist, the id is malformed, or the caller may not read it. */
        get(object: string, id: string): PaasRecord | null;
        /** The matching records (default 50, at most 500). An unknown object is a VALIDATION_FAILED error. */
        query(object: string, options?: QueryOptions | null): PaasRecord[];
        /** Creates one record; returns it as stored. */
        create(object: string, record: RecordInput): PaasRecord;
        /** Updates one record (no version check); returns it as stored. A malformed or unknown id is NOT_FOUND. */
        update(object: string, id: string, changes: RecordInput): PaasRecord;
        /** Deletes one record, with its cascade. A malformed or unknown id is NOT_FOUND. */
        delete(object: string, id: string): void;
    }

    /**
     * One log line per call, kept in the execution log (`scriptRuns`): strings as they are, objects and arrays as JSON,
     * other values with String(), joined with spaces. Lines are cut at 4,000 characters; after 1,000 lines the rest is
     * dropped; the execution log keeps the first 200 lines of a run.
     */
    interface Log {
        info(...values: unknown[]): void;
        warn(...values: unknown[]): void;
        error(...values: unknown[]): void;
    }

    interface ContextBase {
        /** The caller (for a scheduled script: the user who last deployed it). */
        user: User;
        /**
         * Reports an error. Triggers: the write fails with VALIDATION_FAILED naming `field` (`inputs[index].field` in a
         * bulk create). Actions: VALIDATION_FAILED (field default `input`) and the action is rolled back. Has no effect in
         * validation rules and scheduled scripts; testScript returns the errors.
         * @param field a field API name, or null/undefined for the record as a whole
         * @param message any value, made a string with String()
         * @param index the record's position in ctx.records (a non-negative integer)
         */
        addError(field: string | null | undefined, message: unknown, index?: number | null): void;
    }

    /** `ctx` of a TRIGGER. Runs once per batch (up to 1,000 records in a bulk create). */
    interface TriggerContext extends ContextBase {
        /** The object's API name. */
        object: string;
        event: "create" | "update" | "delete";
        timing: "before" | "after";
        /**
         * The batch. A before create/update trigger may change values here (or replace the array with one of the same
         * length) and the changes are stored; on delete, changes are ignored.
         */
        records: BatchRecord[];
        /** The stored records before the change, in the order of `records`; null on create. */
        old: PaasRecord[] | null;
        /**
         * Set only when the batch has one record (updates and deletes always): the same object as records[0]. In a before
         * trigger change records in place rather than replacing them (see docs/scripting.md, "Known issues").
         */
        record?: BatchRecord;
    }

    /**
     * `ctx` inside a VALIDATION_RULE (a before-create/update batch). The rule is an expression evaluated once per record
     * with the globals `record`, `old` and `user`; the record fails when the expression is truthy.
     */
    interface ValidationRuleContext extends ContextBase {
        object: string;
        event: "create" | "update";
        timing: "before";
        records: BatchRecord[];
        old: PaasRecord[] | null;
        record?: BatchRecord;
    }

    /** `ctx` of an ACTION, called as the data API mutation `{action}{Object}`. */
    interface ActionContext<TInput extends { [name: string]: FieldValue } = { [name: string]: FieldValue }> extends ContextBase {
        object: string;
        /** Every declared input parameter, coerced to its type; null when not given. */
        input: TInput;
        /** With `onRecord: true`: the record named by the mutation's `id`, with the fields the caller may read. */
        record?: PaasRecord;
    }

    /** `ctx` of a SCHEDULED script. */
    interface ScheduledContext extends ContextBase {
        /** When this run was due: ISO 8601, UTC. */
        scheduledAt: string;
    }

    type ScriptContext = TriggerContext | ValidationRuleContext | ActionContext | ScheduledContext;
}

/**
 * The context of this execution; its shape depends on the script's kind. Narrow it with a JSDoc type cast to
 * Paas.TriggerContext, Paas.ValidationRuleContext, Paas.ActionContext or Paas.ScheduledContext (sdk/types/README.md).
 * `ctx` itself cannot be replaced; its properties can.
 */
declare const ctx: Paas.ScriptContext;

/** The data API (see Paas.Db). Present in every kind of script. */
declare const db: Paas.Db;

/** The execution log (see Paas.Log). */
declare const log: Paas.Log;

/**
 * VALIDATION RULES ONLY: the record being checked, as it will be stored (on update: the stored values merged with the
 * changes). Not defined in triggers, actions, scheduled scripts or testScript runs.
 */
declare const record: Paas.BatchRecord;

/** VALIDATION RULES ONLY: the stored record on update; null on create. Not defined in other kinds. */
declare const old: Paas.PaasRecord | null;

/** VALIDATION RULES ONLY: the caller, as ctx.user. Not defined in other kinds. */
declare const user: Paas.User;
