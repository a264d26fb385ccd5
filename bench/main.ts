import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { Command, InvalidArgumentError } from 'commander';

import { describeMachine } from './machine';
import { describeMix, parseClouds, splitIdentities, type CloudWeight } from './cloud-mix';
import { assertCorpusExists, defaultCorpusPath } from './managed-corpus';
import { measured, missing } from './outcome';
import { renderReport, type ScaleRun } from './report';
import type { ScaleMessage } from './result';
import type { ScaleOptions } from './run-scale';

interface BenchOptions {
  scales: number[];
  seed: number;
  explainSamples: number;
  effectivePermissionSamples: number;
  findingReadSamples: number;
  identityPageLoads: number;
  corpus: string;
  timeout: number;
  json?: string;
  keepData: boolean;
  clouds?: CloudWeight[];
  cloudReadSamples: number;
}

/** The child process that runs the current scale, so that Ctrl-C can reach it. */
let current: ChildProcess | undefined;
let interrupted = false;

/**
 * Runs the benchmark: each scale in its own child process, one after another, then prints the
 * Markdown report on standard output. Progress goes to standard error.
 */
async function main(argv: string[]): Promise<number> {
  const program = new Command('npm run bench --')
    .description(
      'Generate a synthetic AWS organisation (or, with --clouds, an organisation over several clouds) at each scale, load it into a new embedded PostgreSQL through the importer, ' +
        'migrate, and measure refresh, relation sizes, explain and effective_permissions latency and peak memory'
    )
    .option(
      '--scales <list>',
      'comma-separated numbers of identities (users and roles)',
      parseScales,
      [1000, 10000, 50000]
    )
    .option(
      '--seed <n>',
      'seed of the generator; one seed always yields the same organisation and requests',
      parseCount,
      1
    )
    .option('--explain-samples <n>', 'ciem.explain requests timed per scale', parseCount, 300)
    .option(
      '--effective-permission-samples <n>',
      'identities for which ciem.effective_permissions is timed per scale',
      parseCount,
      20
    )
    .option(
      '--finding-read-samples <n>',
      'reads timed per finding view, filtered to an account and to an identity, per scale',
      parseCount,
      40
    )
    .option(
      '--identity-page-loads <n>',
      'timed loads of the Identity page of an admin-equivalent identity in the browser harness, per scale',
      parseCount,
      10
    )
    .option(
      '--clouds <list>',
      'split the identities over these clouds (aws, kubernetes, gcp, azure), each optionally =WEIGHT; ' +
        'without a weight: aws 4, the others 2 each. Default: AWS only',
      parseClouds
    )
    .option(
      '--cloud-read-samples <n>',
      'with --clouds: reads timed per kind and cloud (effective permissions, findings, compliance summary, search)',
      parseCount,
      40
    )
    .option('--corpus <file>', 'JSON array of AWS-managed policies {name, arn, document}', defaultCorpusPath)
    .option('--timeout <minutes>', 'stop a scale that runs longer than this and record it as missing', parseCount, 90)
    .option('--json <file>', 'also write the raw results to this file as JSON')
    .option('--keep-data', "keep each scale's PostgreSQL cluster folder instead of deleting it", false)
    .parse(argv);
  const options = program.opts<BenchOptions>();
  assertCorpusExists(options.corpus);

  process.on('SIGINT', () => {
    interrupted = true;
    current?.kill('SIGINT');
  });

  if (options.clouds) {
    // Fails before any scale starts when a scale is too small for the mix.
    options.scales.forEach((scale) => splitIdentities(scale, options.clouds as CloudWeight[]));
    process.stderr.write(`bench: identities split ${describeMix(options.clouds)}\n`);
  }
  const machine = describeMachine();
  const runs: ScaleRun[] = [];
  for (const identities of options.scales) {
    if (interrupted) {
      break;
    }
    runs.push({ identities, result: await runScaleProcess(identities, options) });
  }

  const report = renderReport(machine, runs, ['npm run bench --', ...argv.slice(2)].join(' '));
  process.stdout.write(`\n${report}\n`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify({ machine, runs }, null, 2)}\n`);
    process.stderr.write(`bench: wrote the raw results to ${options.json}\n`);
  }
  if (interrupted) {
    return 130;
  }
  return runs.every((run) => run.result.ok) ? 0 : 1;
}

function runScaleProcess(identities: number, options: BenchOptions): Promise<ScaleRun['result']> {
  const scaleOptions: ScaleOptions = {
    identities,
    seed: options.seed,
    corpusPath: options.corpus,
    explainSamples: options.explainSamples,
    effectivePermissionSamples: options.effectivePermissionSamples,
    findingReadSamples: options.findingReadSamples,
    identityPageLoads: options.identityPageLoads,
    keepData: options.keepData,
    clouds: options.clouds,
    cloudReadSamples: options.cloudReadSamples,
  };
  return new Promise((resolve) => {
    let outcome: ScaleRun['result'] | undefined;
    let lastStep = 'starting';
    const child = fork(path.join(__dirname, 'run-scale.js'), [JSON.stringify(scaleOptions)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    current = child;
    const timer = setTimeout(() => {
      outcome = missing(
        `timed out after ${options.timeout} minutes while ${lastStep} (raise --timeout to wait longer)`
      );
      child.kill('SIGINT');
    }, options.timeout * 60_000);

    child.on('message', (message: ScaleMessage) => {
      if (message.type === 'step') {
        lastStep = message.step;
      } else if (message.type === 'result') {
        outcome ??= measured(message.result);
      } else {
        outcome ??= missing(`failed while ${lastStep}: ${message.message}`);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      if (interrupted && !outcome) {
        outcome = missing(`interrupted (Ctrl-C) while ${lastStep}`);
      }
      resolve(outcome ?? missing(`the scale's process exited with ${signal ?? `code ${code}`} while ${lastStep}`));
    });
  });
}

function parseScales(value: string): number[] {
  const scales = value.split(',').map((part) => Number(part.trim()));
  if (scales.length === 0 || scales.some((scale) => !Number.isInteger(scale) || scale < 10)) {
    throw new InvalidArgumentError(
      `"${value}" is not a comma-separated list of whole numbers of at least 10, such as 1000,10000.`
    );
  }
  return scales;
}

function parseCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1.`);
  }
  return number;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
);
