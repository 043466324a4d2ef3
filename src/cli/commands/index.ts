/**
 * The command registry: one line per command. To add `truesplit foo`, write `commands/foo.ts` exporting a `Command`
 * and add `export { foo } from './foo.js';` here. Help lists commands in name order.
 */
export { analyze } from './analyze.js';
export { controller } from './controller.js';
export { lint } from './lint.js';
export { simulate } from './simulate.js';
export { version } from './version.js';
export { dashboard } from './dashboard.js';
export { sandbox } from './sandbox.js';
