export const PROBLEM_CODES = [
  'syntax',
  'duplicate-key',
  'missing-clusters',
  'invalid-cluster-alias',
  'unknown-cluster',
  'self-flow',
  'missing-bootstrap-servers',
  'invalid-value',
  'invalid-interval',
  'invalid-regex',
  'unsupported-regex',
  'unknown-replication-policy',
  'unsupported-class',
  'removed-key',
  'unknown-key',
  'ignored-key',
  'provider',
  'security',
  'inline-secret',
  'conflict',
  'invalid-json',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export type Severity = 'error' | 'warning';

/** One finding about a configuration. `line` is 1-based and absent for input that has no lines (JSON). */
export interface Problem {
  readonly severity: Severity;
  readonly code: ProblemCode;
  readonly line?: number;
  readonly key?: string;
  readonly message: string;
  readonly hint: string;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** One problem per line: `error line 7 A->B.topics: message (fix: hint)`. */
export function formatProblem(problem: Problem): string {
  const where = [problem.line === undefined ? undefined : `line ${problem.line}`, problem.key]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  return `${problem.severity}${where === '' ? '' : ` ${where}`}: ${problem.message} (fix: ${problem.hint})`;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('\n');
}

/** Problems sorted by line (unnumbered ones last), keeping discovery order among equals. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const la = a.problem.line ?? Number.MAX_SAFE_INTEGER;
      const lb = b.problem.line ?? Number.MAX_SAFE_INTEGER;
      return la !== lb ? la - lb : a.index - b.index;
    })
    .map(({ problem }) => problem);
}
