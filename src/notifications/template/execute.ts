/** Executes a parsed template against plain JSON data, with text/template's rules for fields, variables and ranges. */
import { TemplateError } from './lexer.js';
import { FUNCTIONS } from './functions.js';
import { parseTemplate, type Command, type Operand, type Pipeline, type TemplateNode } from './parser.js';
import { isTrue, printValue } from './values.js';

interface Scope {
  dot: unknown;
  variables: Map<string, unknown>[];
}

function lookupVariable(scope: Scope, name: string): unknown {
  for (let i = scope.variables.length - 1; i >= 0; i--) {
    const frame = scope.variables[i];
    if (frame?.has(name)) return frame.get(name);
  }
  throw new TemplateError(`undefined variable "${name}"`);
}

function setVariable(scope: Scope, name: string, value: unknown, assign: boolean): void {
  if (assign) {
    for (let i = scope.variables.length - 1; i >= 0; i--) {
      const frame = scope.variables[i];
      if (frame?.has(name)) {
        frame.set(name, value);
        return;
      }
    }
    throw new TemplateError(`undefined variable "${name}"`);
  }
  scope.variables[scope.variables.length - 1]?.set(name, value);
}

/** `.a.b` on a value: a missing key (or a field of a missing or null value) is undefined, printed `<no value>`. */
function walk(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const name of path) {
    if (current === undefined || current === null) return undefined;
    if (typeof current !== 'object' || Array.isArray(current))
      throw new TemplateError(`can't evaluate field ${name} in type ${printValue(current)}`);
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

function operandValue(scope: Scope, operand: Operand, piped: unknown[]): unknown {
  switch (operand.kind) {
    case 'field':
      return walk(scope.dot, operand.path);
    case 'variable':
      return walk(lookupVariable(scope, operand.name), operand.path);
    case 'literal':
      return operand.value;
    case 'pipeline':
      return walk(runPipeline(scope, operand.pipeline), operand.path);
    case 'function':
      return callFunction(operand.name, piped);
  }
}

function callFunction(name: string, args: unknown[]): unknown {
  const fn = FUNCTIONS[name];
  if (!fn) throw new TemplateError(`function "${name}" not defined`);
  return fn(...args);
}

function runCommand(scope: Scope, command: Command, previous: unknown[]): unknown {
  const [head, ...rest] = command;
  if (!head) throw new TemplateError('empty command');
  if (head.kind === 'function') {
    const args = rest.map((operand) => operandValue(scope, operand, []));
    return callFunction(head.name, [...args, ...previous]);
  }
  if (rest.length > 0 || previous.length > 0)
    throw new TemplateError(
      `can't give argument to non-function ${printValue(operandValue(scope, head, []))}`,
    );
  return operandValue(scope, head, []);
}

function runPipeline(scope: Scope, pipeline: Pipeline): unknown {
  let value: unknown;
  pipeline.commands.forEach((command, i) => {
    value = runCommand(scope, command, i === 0 ? [] : [value]);
  });
  if (pipeline.declare.length === 1) setVariable(scope, pipeline.declare[0] ?? '', value, pipeline.assign);
  return value;
}

function runRange(scope: Scope, node: Extract<TemplateNode, { kind: 'range' }>, out: string[]): void {
  const { declare } = node.pipeline;
  const value = runPipeline(scope, { ...node.pipeline, declare: [] });
  const entries: [unknown, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [BigInt(i), v as unknown])
    : value && typeof value === 'object'
      ? Object.keys(value)
          .sort()
          .map((k) => [k, (value as Record<string, unknown>)[k]])
      : [];
  if (value !== undefined && value !== null && typeof value !== 'object')
    throw new TemplateError(`range can't iterate over ${printValue(value)}`);
  if (entries.length === 0) return runNodes(scope, node.otherwise, out);
  for (const [key, item] of entries) {
    const frame = new Map<string, unknown>();
    if (declare.length === 1) frame.set(declare[0] ?? '', item);
    if (declare.length === 2) frame.set(declare[0] ?? '', key).set(declare[1] ?? '', item);
    runNodes({ dot: item, variables: [...scope.variables, frame] }, node.then, out);
  }
}

function runNodes(scope: Scope, nodes: readonly TemplateNode[], out: string[]): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out.push(node.text);
        break;
      case 'output': {
        const value = runPipeline(scope, node.pipeline);
        if (node.pipeline.declare.length === 0) out.push(printValue(value));
        break;
      }
      case 'if':
      case 'with': {
        const inner: Scope = { ...scope, variables: [...scope.variables, new Map<string, unknown>()] };
        const value = runPipeline(inner, node.pipeline);
        const branch = isTrue(value) ? node.then : node.otherwise;
        runNodes(node.kind === 'with' && isTrue(value) ? { ...inner, dot: value } : inner, branch, out);
        break;
      }
      case 'range':
        runRange(scope, node, out);
        break;
    }
  }
}

/** A template compiled once and executed per notification. */
export class CompiledTemplate {
  private readonly nodes: TemplateNode[];
  constructor(readonly source: string) {
    this.nodes = parseTemplate(source);
    checkFunctions(this.nodes);
  }

  execute(data: unknown): string {
    const out: string[] = [];
    runNodes({ dot: data, variables: [new Map<string, unknown>([['$', data]])] }, this.nodes, out);
    return out.join('');
  }
}

function checkPipeline(pipeline: Pipeline): void {
  for (const command of pipeline.commands)
    for (const operand of command) {
      if (operand.kind === 'function' && !FUNCTIONS[operand.name])
        throw new TemplateError(`function "${operand.name}" not defined`);
      if (operand.kind === 'pipeline') checkPipeline(operand.pipeline);
    }
}

/** Unknown functions are a parse error, as in Go (so a bad template fails at load, not at send). */
function checkFunctions(nodes: readonly TemplateNode[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') continue;
    checkPipeline(node.pipeline);
    if (node.kind !== 'output') {
      checkFunctions(node.then);
      checkFunctions(node.otherwise);
    }
  }
}
