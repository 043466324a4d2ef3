/** Parses the pieces of `lexer.ts` into a tree: text, output actions, `if`/`else if`/`else`, `range`, `with`. */
import { splitActions, TemplateError, tokenize, type Token } from './lexer.js';

export type Operand =
  | { kind: 'field'; path: string[] }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'pipeline'; pipeline: Pipeline; path: string[] };

/** One command of a pipeline: an operand, or a function and its arguments. */
export type Command = Operand[];

export interface Pipeline {
  /** `$x := …` or `$i, $v := …` (range); assignment `$x = …` when `assign`. */
  declare: string[];
  assign: boolean;
  commands: Command[];
}

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipeline: Pipeline }
  | { kind: 'if' | 'with'; pipeline: Pipeline; then: TemplateNode[]; otherwise: TemplateNode[] }
  | { kind: 'range'; pipeline: Pipeline; then: TemplateNode[]; otherwise: TemplateNode[] };

const LITERALS: Record<string, unknown> = { true: true, false: false, nil: null };

function parseOperand(tokens: Token[], at: { i: number }): Operand {
  const token = tokens[at.i++];
  if (!token) throw new TemplateError('missing operand');
  switch (token.kind) {
    case 'field':
      return { kind: 'field', path: token.path };
    case 'variable':
      return { kind: 'variable', name: token.name, path: token.path };
    case 'string':
      return { kind: 'literal', value: token.value };
    case 'number':
      return { kind: 'literal', value: token.integer ? BigInt(Math.trunc(token.value)) : token.value };
    case 'identifier':
      return token.name in LITERALS
        ? { kind: 'literal', value: LITERALS[token.name] }
        : { kind: 'function', name: token.name };
    case 'punct':
      if (token.value !== '(') throw new TemplateError(`unexpected "${token.value}"`);
      return parenthesized(tokens, at);
  }
}

function parenthesized(tokens: Token[], at: { i: number }): Operand {
  const pipeline = parsePipelineTokens(tokens, at, ')');
  const next = tokens[at.i];
  if (next?.kind !== 'field' || !next.chained) return { kind: 'pipeline', pipeline, path: [] };
  at.i++;
  return { kind: 'pipeline', pipeline, path: next.path };
}

function parsePipelineTokens(tokens: Token[], at: { i: number }, closer?: ')'): Pipeline {
  const pipeline: Pipeline = { declare: [], assign: false, commands: [] };
  readDeclaration(tokens, at, pipeline);
  let command: Command = [];
  for (;;) {
    const token = tokens[at.i];
    if (!token || (token.kind === 'punct' && token.value === closer)) {
      if (closer && !token) throw new TemplateError('unclosed parenthesis');
      at.i++;
      break;
    }
    if (token.kind === 'punct' && token.value === '|') {
      if (command.length === 0) throw new TemplateError('missing command before "|"');
      pipeline.commands.push(command);
      command = [];
      at.i++;
      continue;
    }
    command.push(parseOperand(tokens, at));
  }
  if (command.length === 0) throw new TemplateError('missing value');
  pipeline.commands.push(command);
  return pipeline;
}

function readDeclaration(tokens: Token[], at: { i: number }, pipeline: Pipeline): void {
  const names: string[] = [];
  let i = at.i;
  for (;;) {
    const token = tokens[i];
    if (token?.kind !== 'variable' || token.path.length > 0) return;
    names.push(token.name);
    const next = tokens[i + 1];
    if (next?.kind === 'punct' && next.value === ',') {
      i += 2;
      continue;
    }
    if (next?.kind === 'punct' && (next.value === ':=' || next.value === '=')) {
      pipeline.declare = names;
      pipeline.assign = next.value === '=';
      at.i = i + 2;
    }
    return;
  }
}

function parsePipeline(source: string): Pipeline {
  return parsePipelineTokens(tokenize(source), { i: 0 });
}

interface Block {
  nodes: TemplateNode[];
  /** What closes it: `end`, or `else` for if/with/range bodies. */
  stop: 'end' | 'else' | 'eof';
  elseSource?: string;
}

const KEYWORD = /^(if|range|with|else|end|define|template|block)\b\s*(.*)$/s;

function parseBlock(pieces: ReturnType<typeof splitActions>, at: { i: number }): Block {
  const nodes: TemplateNode[] = [];
  while (at.i < pieces.length) {
    const piece = pieces[at.i++];
    if (!piece) break;
    if (piece.kind === 'text') {
      nodes.push({ kind: 'text', text: piece.text });
      continue;
    }
    const keyword = KEYWORD.exec(piece.source);
    if (!keyword) {
      nodes.push({ kind: 'output', pipeline: parsePipeline(piece.source) });
      continue;
    }
    const [, word = '', rest = ''] = keyword;
    if (word === 'end') return { nodes, stop: 'end' };
    if (word === 'else') return { nodes, stop: 'else', elseSource: rest };
    if (word !== 'if' && word !== 'range' && word !== 'with')
      throw new TemplateError(`"${word}" is not supported`);
    nodes.push(parseControl(word, rest, pieces, at));
  }
  return { nodes, stop: 'eof' };
}

function parseControl(
  word: 'if' | 'range' | 'with',
  source: string,
  pieces: ReturnType<typeof splitActions>,
  at: { i: number },
): TemplateNode {
  const pipeline = parsePipeline(source);
  const body = parseBlock(pieces, at);
  if (body.stop === 'eof') throw new TemplateError(`unexpected end of template in {{${word}}}`);
  let otherwise: TemplateNode[] = [];
  if (body.stop === 'else') {
    const chained = /^(if|with)\b\s*(.*)$/s.exec(body.elseSource ?? '');
    if (chained) otherwise = [parseControl(chained[1] as 'if' | 'with', chained[2] ?? '', pieces, at)];
    else {
      const tail = parseBlock(pieces, at);
      if (tail.stop !== 'end') throw new TemplateError(`missing {{end}} for {{${word}}}`);
      otherwise = tail.nodes;
    }
  }
  return { kind: word, pipeline, then: body.nodes, otherwise };
}

/** Parses a template source; throws TemplateError naming what is wrong. */
export function parseTemplate(source: string): TemplateNode[] {
  const at = { i: 0 };
  const block = parseBlock(splitActions(source), at);
  if (block.stop !== 'eof') throw new TemplateError(`unexpected {{${block.stop}}}`);
  return block.nodes;
}
