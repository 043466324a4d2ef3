/**
 * Splits a Go text/template source into text and actions, and an action into tokens. Only the part of the language
 * Argo's notification catalog and its users' templates rely on (see README in this folder's parent).
 */

export class TemplateError extends Error {}

export type Piece = { kind: 'text'; text: string } | { kind: 'action'; source: string; offset: number };

/** Text and `{{ … }}` actions, with `{{-` / `-}}` trimming the adjacent whitespace and comments dropped. */
export function splitActions(source: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  let trimNext = false;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    let text = source.slice(at, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) pieces.push({ kind: 'text', text });
      break;
    }
    const close = source.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateError(`unclosed action at offset ${open}`);
    let inner = source.slice(open + 2, close);
    if (/^-\s/.test(inner)) {
      text = text.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    trimNext = /\s-$/.test(inner);
    if (trimNext) inner = inner.slice(0, -1);
    if (text) pieces.push({ kind: 'text', text });
    const trimmed = inner.trim();
    if (!(trimmed.startsWith('/*') && trimmed.endsWith('*/')))
      pieces.push({ kind: 'action', source: trimmed, offset: open });
    at = close + 2;
  }
  return pieces;
}

export type Token =
  | { kind: 'field'; path: string[]; chained?: boolean }
  | { kind: 'variable'; name: string; path: string[] }
  | { kind: 'identifier'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; integer: boolean }
  | { kind: 'punct'; value: '|' | '(' | ')' | ':=' | '=' | ',' };

const FIELD = /^(\.[A-Za-z_][A-Za-z0-9_]*)+|^\./;
const VARIABLE = /^\$[A-Za-z0-9_]*((\.[A-Za-z_][A-Za-z0-9_]*)*)/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;
const NUMBER = /^-?(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][-+]?\d+)?)/;

function fieldPath(text: string): string[] {
  return text.split('.').filter((part) => part !== '');
}

function quoted(rest: string): { token: Token; length: number } {
  if (rest[0] === '`') {
    const end = rest.indexOf('`', 1);
    if (end < 0) throw new TemplateError('unterminated raw string');
    return { token: { kind: 'string', value: rest.slice(1, end) }, length: end + 1 };
  }
  const match = /^"(?:[^"\\]|\\.)*"/.exec(rest);
  if (!match) throw new TemplateError('unterminated quoted string');
  return { token: { kind: 'string', value: JSON.parse(match[0]) as string }, length: match[0].length };
}

function nextToken(rest: string): { token: Token; length: number } {
  if (rest.startsWith(':=')) return { token: { kind: 'punct', value: ':=' }, length: 2 };
  const c = rest[0] ?? '';
  if ('|(),='.includes(c))
    return { token: { kind: 'punct', value: c as '|' | '(' | ')' | ',' | '=' }, length: 1 };
  if (c === '"' || c === '`') return quoted(rest);
  const number = NUMBER.exec(rest);
  if (number && (c !== '-' || /^-\d/.test(rest))) {
    const text = number[0];
    return {
      token: { kind: 'number', value: Number(text), integer: !/[.eE]/.test(text) || text.startsWith('0x') },
      length: text.length,
    };
  }
  const variable = VARIABLE.exec(rest);
  if (variable) {
    const [name = '', ...path] = variable[0].split('.');
    return { token: { kind: 'variable', name, path }, length: variable[0].length };
  }
  const field = FIELD.exec(rest);
  if (field) return { token: { kind: 'field', path: fieldPath(field[0]) }, length: field[0].length };
  const identifier = IDENTIFIER.exec(rest);
  if (identifier) return { token: { kind: 'identifier', name: identifier[0] }, length: identifier[0].length };
  throw new TemplateError(`unexpected "${c}" in action`);
}

/** The tokens of one action's source; a field right after `)` is marked `chained` (`(index .a 0).name`). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let rest = source;
  while (rest !== '') {
    const spaced = /^\s/.test(rest);
    rest = rest.replace(/^\s+/, '');
    if (rest === '') break;
    const { token, length } = nextToken(rest);
    const previous = tokens[tokens.length - 1];
    if (token.kind === 'field' && !spaced && previous?.kind === 'punct' && previous.value === ')')
      token.chained = true;
    tokens.push(token);
    rest = rest.slice(length);
  }
  return tokens;
}
