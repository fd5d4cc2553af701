// The environment the project gives the npm and node processes it starts (scripts/child-env.js).
import { strict as assert } from 'assert';
import * as path from 'path';
import { childEnv } from '../../../scripts/child-env';

describe('childEnv', () => {
  const outer: NodeJS.ProcessEnv = {
    HOME: '/home/dev',
    PATH: ['/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin', '/work/node_modules/.bin', '/usr/bin'].join(path.delimiter),
    NODE: '/usr/bin/node',
    INIT_CWD: '/work',
    npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
    npm_config_nodedir: '/usr',
    npm_lifecycle_event: 'test',
    npm_package_name: 'ongage-studio',
    npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
    NPM_CONFIG_REGISTRY: 'http://registry.invalid',
    ONGAGE_E2E_CACHE: '/tmp/cache',
  };

  it("drops the outer npm's variables and keeps the user's own", () => {
    const env = childEnv({}, { base: outer });
    assert.deepEqual(Object.keys(env).sort(), ['HOME', 'ONGAGE_E2E_CACHE', 'PATH']);
  });

  it("puts the intended Node first on PATH and removes npm's node-gyp shim", () => {
    const env = childEnv({}, { base: outer, node: '/cache/node24/bin/node' });
    assert.deepEqual(env.PATH!.split(path.delimiter), ['/cache/node24/bin', '/work/node_modules/.bin', '/usr/bin']);
  });

  it('lays the extra variables over it (an explicit npm setting survives) and deletes undefined ones', () => {
    const env = childEnv({ npm_config_nodedir: '/cache/node24/include', HOME: undefined }, { base: outer });
    assert.equal(env.npm_config_nodedir, '/cache/node24/include');
    assert.equal(env.HOME, undefined);
    assert.equal(env.npm_config_user_agent, undefined);
  });
});
