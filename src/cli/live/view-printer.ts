/**
 * Printing what the read-only verbs show, once or again on every change (`-w`): text for people, documents for
 * machines. A render equal to the previous one is not printed again, so a watch prints only what changed.
 */
import type { CliIo } from '../command.js';
import { colorEnabled, serialize } from '../output.js';
import type { LiveFormat } from './flags.js';

/** Home the cursor and clear the screen: a watch on a terminal redraws in place, as kubectl's plugin does. */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

export interface Rendering {
  /** The human text (ends with a newline). */
  text: (color: boolean) => string;
  /** The machine document. */
  data: unknown;
}

/** `screen`: every render is a whole screen (a tree, a table); `lines`: each render is one more line of a log. */
export type PrintMode = 'screen' | 'lines';

export class ViewPrinter {
  private previous: string | undefined;
  private count = 0;

  constructor(
    private readonly io: CliIo,
    private readonly format: LiveFormat,
    private readonly watching: boolean,
    private readonly mode: PrintMode = 'screen',
  ) {}

  /** Prints a rendering; returns false when it equals the last one and nothing was written. */
  print(rendering: Rendering): boolean {
    const output = this.render(rendering);
    if (output === this.previous) return false;
    this.previous = output;
    this.io.stdout.write(this.separator() + output);
    this.count++;
    return true;
  }

  private render(rendering: Rendering): string {
    if (this.format === 'human') return rendering.text(colorEnabled(this.io));
    return serialize(rendering.data, this.format);
  }

  /** Between two renders: a cleared screen on a terminal, else a blank line (YAML: a document marker). */
  private separator(): string {
    if (!this.watching) return '';
    if (this.format === 'yaml') return '---\n';
    if (this.mode === 'lines') return '';
    if (this.count === 0) return this.format === 'human' && this.io.isTTY ? CLEAR_SCREEN : '';
    if (this.format === 'json') return '';
    return this.io.isTTY ? CLEAR_SCREEN : '\n';
  }
}
