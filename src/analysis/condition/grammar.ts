import jsep from 'jsep';

/**
 * jsep configured for expr-lang's grammar (github.com/expr-lang/expr v1.17, parser/operator): its
 * operators and precedences, `nil` instead of `null`, `#` pointers, plus the tokens jsep lacks —
 * `not in` (and `not matches`, …), `{…}` predicates and map literals, `.field` shorthand inside a
 * predicate and back-quoted raw strings. jsep's configuration is process-wide; this module owns it.
 */

/** Binary operators and their precedence (higher binds tighter), as expr-lang defines them. */
export const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  or: 10,
  '||': 10,
  and: 15,
  '&&': 15,
  '==': 20,
  '!=': 20,
  '<': 20,
  '>': 20,
  '>=': 20,
  '<=': 20,
  in: 20,
  matches: 20,
  contains: 20,
  startsWith: 20,
  endsWith: 20,
  'not in': 20,
  'not matches': 20,
  'not contains': 20,
  'not startsWith': 20,
  'not endsWith': 20,
  '+': 30,
  '-': 30,
  '*': 60,
  '/': 60,
  '%': 60,
  '**': 100,
  '^': 100,
  '??': 500,
};

/** Unary operators and their precedence: `not 1 == 2` is `(not 1) == 2`, `-2 ** 2` is `-(2 ** 2)`. */
export const UNARY_PRECEDENCE: Readonly<Record<string, number>> = { not: 50, '!': 50, '-': 90, '+': 90 };

/** Node types the grammar extension adds to jsep's. */
export const CLOSURE_NODE = 'Closure';
export const MAP_NODE = 'MapExpression';

const NEGATED_OPERATOR = /^not\s+(in|matches|contains|startsWith|endsWith)(?![\w$#])/;
const BACKTICK = 96;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COLON = 58;
const COMMA = 44;
const PERIOD = 46;

type Scope = jsep.HookScope;
type Node = jsep.Expression;

interface ParserPrototype {
  gobbleBinaryOp: (this: Scope) => string | false;
}

let configured = false;

/** Configure jsep once for expr-lang. Idempotent. */
export function configureGrammar(): void {
  if (configured) return;
  configured = true;
  jsep.removeAllBinaryOps();
  jsep.removeAllUnaryOps();
  for (const [op, precedence] of Object.entries(BINARY_PRECEDENCE)) {
    jsep.addBinaryOp(op, precedence, op === '**' || op === '^');
  }
  for (const op of Object.keys(UNARY_PRECEDENCE)) jsep.addUnaryOp(op);
  jsep.removeAllLiterals();
  jsep.addLiteral('true', true);
  jsep.addLiteral('false', false);
  jsep.addLiteral('nil', null);
  jsep.this_str = '\u0000';
  jsep.addIdentifierChar('#');
  recogniseNegatedOperators();
  jsep.hooks.add('gobble-token', gobbleExtraToken);
}

/** `a not in b`: jsep matches operators character by character, so any spacing after `not` is handled here. */
function recogniseNegatedOperators(): void {
  const parser = (jsep as unknown as { Jsep: { prototype: ParserPrototype } }).Jsep.prototype;
  const gobbleBinaryOp = parser.gobbleBinaryOp;
  parser.gobbleBinaryOp = function gobbleNegatedOp(this: Scope): string | false {
    this.gobbleSpaces();
    const match = NEGATED_OPERATOR.exec(this.expr.slice(this.index));
    if (match?.[1] !== undefined) {
      this.index += match[0].length;
      return `not ${match[1]}`;
    }
    return gobbleBinaryOp.call(this);
  };
}

function gobbleExtraToken(this: Scope, env: { node?: Node }): void {
  if (this.code === BACKTICK) env.node = gobbleRawString(this);
  else if (this.code === OPEN_BRACE) env.node = gobbleBraces(this);
  else if (this.code === PERIOD && /^\.[A-Za-z_$]/.test(this.expr.slice(this.index, this.index + 2))) {
    this.index += 1;
    const property = this.gobbleIdentifier() as Node;
    const pointer: Node = { type: 'Identifier', name: '#' };
    env.node = this.gobbleTokenProperty({
      type: 'MemberExpression',
      computed: false,
      object: pointer,
      property,
    });
  }
}

function gobbleRawString(scope: Scope): Node {
  const end = scope.expr.indexOf('`', scope.index + 1);
  if (end < 0) scope.throwError('literal not terminated');
  const value = scope.expr.slice(scope.index + 1, end);
  scope.index = end + 1;
  return { type: 'Literal', value, raw: JSON.stringify(value) };
}

/** `{# > 0}` (a predicate) or `{a: 1, "b": 2}` (a map literal); expr-lang tells them apart the same way. */
function gobbleBraces(scope: Scope): Node {
  scope.index += 1;
  scope.gobbleSpaces();
  if (scope.code === CLOSE_BRACE) {
    scope.index += 1;
    return { type: MAP_NODE, entries: [] };
  }
  const first = scope.gobbleExpression();
  scope.gobbleSpaces();
  if (scope.code !== COLON) {
    expectClosingBrace(scope);
    return { type: CLOSURE_NODE, body: first };
  }
  const entries: Node[] = [];
  let key: Node = first;
  for (;;) {
    scope.index += 1;
    const value = scope.gobbleExpression();
    if (!value) scope.throwError('expected a value after ":"');
    entries.push({ type: 'MapEntry', key, value });
    scope.gobbleSpaces();
    if (codeAt(scope) !== COMMA) break;
    scope.index += 1;
    scope.gobbleSpaces();
    if (codeAt(scope) === CLOSE_BRACE) break;
    key = scope.gobbleToken() as Node;
    scope.gobbleSpaces();
    if (codeAt(scope) !== COLON) scope.throwError('expected ":" after a map key');
  }
  expectClosingBrace(scope);
  return { type: MAP_NODE, entries };
}

function expectClosingBrace(scope: Scope): void {
  scope.gobbleSpaces();
  if (scope.code !== CLOSE_BRACE) scope.throwError('expected "}"');
  scope.index += 1;
}

/** The current character code, read afresh (TypeScript would otherwise narrow `scope.code` across calls). */
function codeAt(scope: Scope): number {
  return scope.expr.charCodeAt(scope.index);
}
