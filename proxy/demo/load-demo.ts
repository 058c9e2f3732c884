/**
 * The built-in demo (an app and its bots) needs the socket.io server, which is a devDependency and
 * an optional peer, not a runtime dependency: a proxy in front of someone's app never loads it
 * (issue #12, "the demo app is not a runtime dependency"). Loaded only when no `--target` is given.
 */
import { StartError } from '../start-checks.js';

export async function loadDemo(): Promise<
  typeof import('./demo-app.js') & typeof import('./demo-clients.js')
> {
  try {
    const [app, clients] = await Promise.all([import('./demo-app.js'), import('./demo-clients.js')]);
    return { ...app, ...clients };
  } catch (err) {
    if (isMissing(err, 'socket.io'))
      throw new StartError(
        'no --target given, and the built-in demo app needs the socket.io package, which is not ' +
          'installed here: give --target http://host:port, or `npm install socket.io` to see the demo',
      );
    throw err;
  }
}

function isMissing(err: unknown, pkg: string): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e?.code === 'ERR_MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(`'${pkg}'`)
  );
}
