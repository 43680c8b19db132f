#!/usr/bin/env node
/**
 * The package's command: `openstack-block-storage fake-cloud [--port N] [--max-microversion 3.71]
 * [--min-microversion 3.0] [--v2] [--noauth]`. Starts the fake cloud, prints exactly one JSON line on
 * stdout when it is ready (endpoint, Keystone URL, project, token and the fake's throwaway
 * credentials) and runs until SIGINT or SIGTERM, then exits 0. Usage errors exit 2, on stderr.
 *
 * It loads the prebuilt model (generated/fake-model.json), not the YAML, and not the SDK.
 */
import { startFakeCloud, type FakeCloudOptions } from './server.js';
import { parseVersion } from './values.js';

const USAGE =
  'usage: openstack-block-storage fake-cloud [--port N] [--max-microversion 3.71] [--min-microversion 3.0] [--v2] [--noauth]';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): FakeCloudOptions {
  const [command, ...rest] = argv;
  if (command !== 'fake-cloud')
    throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
  let port: number | undefined;
  let maxMicroversion: string | undefined;
  let minMicroversion: string | undefined;
  let noauth = false;
  let v2 = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        port = Number(v);
        if (!/^\d+$/.test(v) || port > 65535)
          throw new UsageError(`--port must be a port number (0-65535), got "${v}"`);
        break;
      }
      case '--max-microversion':
      case '--min-microversion': {
        const v = value();
        if (!parseVersion(v)) throw new UsageError(`${flag} must look like 3.71, got "${v}"`);
        if (flag === '--max-microversion') maxMicroversion = v;
        else minMicroversion = v;
        break;
      }
      case '--noauth':
        noauth = true;
        break;
      case '--v2':
        v2 = true;
        break;
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  return { port, maxMicroversion, minMicroversion, noauth, v2 };
}

async function main(): Promise<number> {
  let options: FakeCloudOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  let fake;
  try {
    fake = await startFakeCloud(options);
  } catch (error) {
    process.stderr.write(`fake-cloud: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const ready = {
    url: fake.url,
    authUrl: fake.authUrl,
    projectId: fake.projectId,
    projectName: fake.projectName,
    token: fake.token,
    username: fake.username,
    password: fake.password,
  };
  // Listen before printing: whoever reads the line may signal at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  await stopped;
  await fake.close();
  return 0;
}

process.exitCode = await main();
