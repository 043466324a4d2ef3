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
export { get } from './get.js';
export { list } from './list.js';
export { status } from './status.js';
export { promote } from './promote.js';
export { abort } from './abort.js';
export { retry } from './retry.js';
export { pause } from './pause.js';
export { resume } from './resume.js';
export { restart } from './restart.js';
export { set } from './set.js';
export { undo } from './undo.js';
export { create } from './create.js';
export { terminate } from './terminate.js';
