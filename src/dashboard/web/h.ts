/** `h(type, props, ...children)`: React elements without JSX (the project compiles with plain tsc). */
import { createElement, type ReactNode } from 'react';

type Props = Record<string, unknown> | null;

export function h(
  type: string | ((props: never) => ReactNode),
  props?: Props,
  ...children: ReactNode[]
): ReactNode {
  return createElement(type as string, props ?? null, ...children);
}

/** Joins class names, skipping falsy ones. */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}

export function pct(value: number | null | undefined): string {
  if (value === undefined) return '–';
  return value === null ? 'fails' : `${value}%`;
}
