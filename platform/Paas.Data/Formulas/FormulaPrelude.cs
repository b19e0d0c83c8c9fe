namespace Paas.Data.Formulas;

/// <summary>
/// The JavaScript that formula code runs on: <c>__formula</c> (the operators with SQL's null semantics, field access,
/// conversions) and the formula functions as constants of the same names. Plain ES2020 statements, strict inside.
/// Values: numbers, strings, booleans, null; a DATE is 'yyyy-MM-dd', a DATETIME an ISO-8601 string (written back as
/// 'yyyy-MM-ddTHH:mm:ss.ffffffZ', UTC).
/// </summary>
internal static class FormulaPrelude
{
    public const string Source = """
const __formula = (() => {
  "use strict";
  const isNull = (v) => v === null || v === undefined;
  const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
  const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
  const pad = (n, width) => String(n).padStart(width, "0");
  const fail = (message) => { throw new TypeError(message); };
  const isDate = (v) => typeof v === "string" && DATE_TEXT.test(v);
  const daysIn = (year, month) => { const d = new Date(0); d.setUTCFullYear(year, month, 0); return d.getUTCDate(); };
  const dayNumber = (date) => {
    const m = DATE_TEXT.exec(date);
    const d = new Date(0);
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return Math.round(d.getTime() / 86400000);
  };
  const formatDate = (d) => pad(d.getUTCFullYear(), 4) + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2);
  const fromDayNumber = (n) => formatDate(new Date(n * 86400000));
  // A datetime as whole seconds since the epoch and microseconds, parsed without the engine's Date.parse.
  const instant = (v) => {
    if (v instanceof Date) return { seconds: Math.floor(v.getTime() / 1000), micros: (((v.getTime() % 1000) + 1000) % 1000) * 1000 };
    if (isDate(v)) v = v + "T00:00:00Z";
    const m = typeof v === "string" ? DATETIME_TEXT.exec(v) : null;
    if (!m) fail("'" + v + "' is not a date and time");
    const d = new Date(0);
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    d.setUTCHours(Number(m[4]), Number(m[5]), Number(m[6] || 0), 0);
    let seconds = d.getTime() / 1000;
    const zone = (m[8] || "Z").toUpperCase();
    if (zone !== "Z") {
      const digits = zone.replace(":", "");
      const offset = Number(digits.slice(1, 3)) * 3600 + Number(digits.slice(3, 5) || 0) * 60;
      seconds -= digits[0] === "-" ? -offset : offset;
    }
    return { seconds: seconds, micros: Number(((m[7] || "") + "000000").slice(0, 6)) };
  };
  const formatInstant = (t) => {
    const d = new Date(t.seconds * 1000);
    return formatDate(d) + "T" + pad(d.getUTCHours(), 2) + ":" + pad(d.getUTCMinutes(), 2) + ":" + pad(d.getUTCSeconds(), 2)
      + "." + pad(t.micros, 6) + "Z";
  };
  const dt = (v) => isNull(v) ? null : formatInstant(instant(v));
  const toDate = (v) => isNull(v) ? null : isDate(v) ? v : dt(v).slice(0, 10);
  const numberText = (n) => {
    if (!Number.isFinite(n) || Math.abs(n) >= 1e15) return String(n);
    const text = n.toFixed(9).replace(/0+$/, "").replace(/\.$/, "");
    return text === "-0" ? "0" : text;
  };
  const text = (v) => isNull(v) ? null : typeof v === "string" ? v : typeof v === "boolean" ? (v ? "true" : "false")
    : typeof v === "number" ? numberText(v) : String(v);
  const chars = (s) => Array.from(text(s));
  const whole = (n) => Math.trunc(n);
  const anyNull = (values) => values.some(isNull);
  const eq = (a, b) => isNull(a) ? isNull(b) : isNull(b) ? false : a === b;
  const compare = (a, b, test) => isNull(a) || isNull(b) ? null : test(a, b);
  const round = (x, digits) => {
    if (isNull(x)) return null;
    if (!Number.isFinite(x)) return x;
    const factor = Math.pow(10, digits);
    const r = Math.round(Math.abs(x) * factor * (1 + Number.EPSILON)) / factor;
    return x < 0 && r !== 0 ? -r : r;
  };
  const addDays = (d, n) => {
    if (isNull(d) || isNull(n)) return null;
    if (isDate(d)) return fromDayNumber(dayNumber(d) + whole(n));
    const t = instant(d);
    const micros = t.micros + Math.round(n * 86400000000);
    return formatInstant({ seconds: t.seconds + Math.floor(micros / 1000000), micros: ((micros % 1000000) + 1000000) % 1000000 });
  };
  const extreme = (values, pick) => {
    const present = values.filter((v) => !isNull(v));
    return present.length === 0 ? null : present.reduce((a, b) => (pick(b, a) ? b : a));
  };
  const f = {
    isNull: isNull,
    dt: dt,
    get: (record, path) => {
      let v = record;
      for (const key of path) {
        if (isNull(v) || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, key)) return null;
        v = v[key];
      }
      return isNull(v) ? null : v;
    },
    add: (a, b) => isNull(a) || isNull(b) ? null : a + b,
    sub: (a, b) => isNull(a) || isNull(b) ? null : a - b,
    mul: (a, b) => isNull(a) || isNull(b) ? null : a * b,
    div: (a, b) => isNull(a) || isNull(b) || b === 0 ? null : a / b,
    mod: (a, b) => isNull(a) || isNull(b) || b === 0 ? null : a % b,
    neg: (a) => isNull(a) ? null : -a,
    concat: (a, b) => (isNull(a) ? "" : text(a)) + (isNull(b) ? "" : text(b)),
    plus: (a, b) => typeof a === "string" || typeof b === "string" ? f.concat(a, b) : f.add(a, b),
    dateDiff: (a, b) => isNull(a) || isNull(b) ? null : dayNumber(toDate(a)) - dayNumber(toDate(b)),
    eq: eq,
    ne: (a, b) => !eq(a, b),
    lt: (a, b) => compare(a, b, (x, y) => x < y),
    le: (a, b) => compare(a, b, (x, y) => x <= y),
    gt: (a, b) => compare(a, b, (x, y) => x > y),
    ge: (a, b) => compare(a, b, (x, y) => x >= y),
    and: (a, later) => {
      if (a === false) return false;
      const b = later();
      if (b === false) return false;
      return isNull(a) || isNull(b) ? null : true;
    },
    or: (a, later) => {
      if (a === true) return true;
      const b = later();
      if (b === true) return true;
      return isNull(a) || isNull(b) ? null : false;
    },
    not: (a) => isNull(a) ? null : !a,
    coalesce: (a, later) => isNull(a) ? later() : a,
    pick: (x, pairs, otherwise) => {
      for (const [value, result] of pairs) if (eq(x, value)) return result();
      return otherwise();
    },
    convert: (v, type, scale) => {
      if (isNull(v)) return null;
      switch (type) {
        case "TEXT": return text(v);
        case "BOOLEAN": return typeof v === "boolean" ? v : fail("the formula gave '" + v + "', not a BOOLEAN");
        case "DATE": return toDate(v);
        case "DATETIME": return dt(v);
        default:
          if (typeof v !== "number") fail("the formula gave '" + v + "', not a number");
          return Number.isFinite(v) ? round(v, type === "INTEGER" ? 0 : scale) : null;
      }
    },
    IF: (c, a, b) => c === true ? a : b,
    CASE: (x, ...rest) => {
      for (let i = 0; i + 2 < rest.length; i += 2) if (eq(x, rest[i])) return rest[i + 1];
      return rest.length % 2 === 1 ? rest[rest.length - 1] : null;
    },
    ISBLANK: (x) => isNull(x) || x === "",
    BLANKVALUE: (x, fallback) => isNull(x) || x === "" ? fallback : x,
    AND: (...xs) => { let r = true; for (const x of xs) { if (x === false) return false; if (isNull(x)) r = null; } return r; },
    OR: (...xs) => { let r = false; for (const x of xs) { if (x === true) return true; if (isNull(x)) r = null; } return r; },
    NOT: (x) => isNull(x) ? null : !x,
    UPPER: (s) => isNull(s) ? null : text(s).toUpperCase(),
    LOWER: (s) => isNull(s) ? null : text(s).toLowerCase(),
    TRIM: (s) => isNull(s) ? null : text(s).replace(/^ +| +$/g, ""),
    LEN: (s) => isNull(s) ? null : chars(s).length,
    LEFT: (s, n) => anyNull([s, n]) ? null : whole(n) <= 0 ? "" : chars(s).slice(0, whole(n)).join(""),
    RIGHT: (s, n) => {
      if (anyNull([s, n])) return null;
      const c = chars(s);
      return whole(n) <= 0 ? "" : c.slice(Math.max(c.length - whole(n), 0)).join("");
    },
    MID: (s, start, length) => {
      if (anyNull([s, start, length])) return null;
      const from = Math.max(whole(start), 1) - 1;
      return chars(s).slice(from, from + Math.max(whole(length), 0)).join("");
    },
    CONTAINS: (s, part) => anyNull([s, part]) ? null : text(s).includes(text(part)),
    BEGINS: (s, prefix) => anyNull([s, prefix]) ? null : text(s).startsWith(text(prefix)),
    SUBSTITUTE: (s, old, replacement) => anyNull([s, old, replacement]) ? null
      : text(old) === "" ? text(s) : text(s).split(text(old)).join(text(replacement)),
    TEXT: text,
    VALUE: (s) => {
      if (isNull(s)) return null;
      const t = text(s).trim();
      return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : null;
    },
    ROUND: (x, digits) => isNull(digits) ? null : round(x, whole(digits)),
    FLOOR: (x) => isNull(x) ? null : Math.floor(x),
    CEILING: (x) => isNull(x) ? null : Math.ceil(x),
    ABS: (x) => isNull(x) ? null : Math.abs(x),
    MIN: (...xs) => extreme(xs, (a, b) => a < b),
    MAX: (...xs) => extreme(xs, (a, b) => a > b),
    MOD: (a, b) => f.mod(a, b),
    TODAY: () => fromDayNumber(Math.floor(Date.now() / 86400000)),
    NOW: () => dt(new Date(Date.now())),
    YEAR: (d) => isNull(d) ? null : Number(toDate(d).slice(0, 4)),
    MONTH: (d) => isNull(d) ? null : Number(toDate(d).slice(5, 7)),
    DAY: (d) => isNull(d) ? null : Number(toDate(d).slice(8, 10)),
    DATE: (year, month, day) => {
      if (anyNull([year, month, day])) return null;
      const y = whole(year), m = whole(month), d = whole(day);
      return y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) ? null : pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2);
    },
    ADD_DAYS: addDays,
    ADD_MONTHS: (d, n) => {
      if (anyNull([d, n])) return null;
      const date = toDate(d);
      const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + whole(n);
      const y = Math.floor(total / 12), m = total - y * 12 + 1;
      const moved = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(Math.min(Number(date.slice(8, 10)), daysIn(y, m)), 2);
      return isDate(d) ? moved : moved + dt(d).slice(10);
    },
    DAYS_BETWEEN: (a, b) => f.dateDiff(b, a),
  };
  return Object.freeze(f);
})();
const { IF, CASE, ISBLANK, BLANKVALUE, AND, OR, NOT, UPPER, LOWER, TRIM, LEN, LEFT, RIGHT, MID, CONTAINS, BEGINS,
  SUBSTITUTE, TEXT, VALUE, ROUND, FLOOR, CEILING, ABS, MIN, MAX, MOD, TODAY, NOW, YEAR, MONTH, DAY, DATE, ADD_DAYS,
  ADD_MONTHS, DAYS_BETWEEN } = __formula;
""";
}
