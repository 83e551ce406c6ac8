import type Database from 'better-sqlite3';

/** A statement the store ran: its SQL and the values it was run with. */
export interface RanStatement {
  source: string;
  params: unknown[];
}

/**
 * Records every statement run on the connection (prepared once and cached or not), so a test
 * can ask SQLite how it planned exactly what the store ran — not a hand-copied query that could
 * drift from the code. Call before the store prepares anything on this connection.
 */
export function recordStatements(sqlite: Database.Database): { take(): RanStatement[]; plan(statement: RanStatement): string[] } {
  const prepare = sqlite.prepare.bind(sqlite);
  let ran: RanStatement[] = [];
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    const proxy: Database.Statement = new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (property === 'all' || property === 'get' || property === 'run' || property === 'iterate') ran.push({ source, params: args });
          const result = value.apply(target, args);
          // raw(), pluck() and the like return the statement: keep recording through it
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  }) as typeof sqlite.prepare;
  return {
    take() {
      const taken = ran;
      ran = [];
      return taken;
    },
    plan: (statement) => (prepare(`explain query plan ${statement.source}`).all(...(statement.params as [])) as { detail: string }[]).map((row) => row.detail),
  };
}

/**
 * What a list or count must not do at scale: read the requests table row by row (a SCAN — an
 * index SEARCH and a rowid look-up are fine), sort in a temporary b-tree, or read the title
 * index without a MATCH (FTS5 marks a MATCH constraint `M` in its index string).
 */
export function planProblems(plan: string[]): string[] {
  return plan.filter(
    (line) =>
      /^SCAN requests\b(?!_)/.test(line) || /TEMP B-TREE/.test(line) || (/^SCAN requests_title_fts VIRTUAL TABLE/.test(line) && !/INDEX \d+:[^ ]*M/.test(line)),
  );
}
