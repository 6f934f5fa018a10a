import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { Core } from '../core/app/core-api.ts';
import { ChittiError, VERSION } from '../core/index.ts';
import type { Analysis, ErrorShape, ProcedureName, ProcedureOutput, Task, TaskItem } from '../shared/contract/index.ts';
import type { DetectOptions } from './detect-command.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { formatItem, formatJob, formatTaskSummary, table } from './format.ts';
import { defaultDataDir, openHeadlessCore, type HeadlessCoreOptions } from './host.ts';
import { startHttpServer } from './http-server.ts';
import { watchTask } from './import-progress.ts';
import { registerModelCommands } from './model-commands.ts';
import { registerReportCommand } from './report-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerParseCommand } from './parse-command.ts';
import { registerReviewCommand } from './review-command.ts';

class CliFailure extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
  }
}

interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** Calls one procedure and returns its result, or throws a CliFailure with the mapped exit code. */
async function call<N extends ProcedureName>(core: Core, name: N, input: unknown): Promise<ProcedureOutput<N>> {
  const r = await core.dispatch(name, input);
  if (!r.ok) throw failure(r.error);
  return r.result;
}

/** Every row of a paged list procedure (the core returns at most 1000 per call). */
async function allRows<T>(page: (limit: number, offset: number) => Promise<{ rows: T[]; total: number }>): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const { rows, total } = await page(1000, out.length);
    out.push(...rows);
    if (rows.length === 0 || out.length >= total) return out;
  }
}

const failure = (error: ErrorShape) => new CliFailure(exitCodeFor(error.code), `${error.code}: ${error.message}`);

function print(opts: GlobalOptions, value: unknown, human: () => string) {
  process.stdout.write((opts.json ? JSON.stringify(value, null, 2) : human()) + '\n');
}

export function buildProgram(run: (fn: (core: Core, opts: GlobalOptions) => Promise<number | void>, coreOptions?: HeadlessCoreOptions) => Promise<void>) {
  const program = new Command('chitti')
    .description('Chitti: offline AI workbench for inspection review')
    .version(VERSION)
    .option('--data-dir <dir>', 'workspace folder (default: $CHITTI_HOME or the platform data folder)')
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('init')
    .description('create a new encrypted workspace (database, key, store of originals)')
    .option('--passphrase', 'protect the key with a passphrase instead of the OS keyring')
    .action((o: { passphrase?: boolean }) =>
      run(async (core, opts) => {
        const info = await call(core, 'app.info', {});
        print(opts, info, () => `Created a Chitti workspace in ${info.dataDir} (key protected by ${info.keyMethod}).`);
      }, { create: 'exclusive', key: { preferPassphrase: Boolean(o.passphrase) } }),
    );

  program.command('info').description('show the workspace, its schema version and key protection').action(() =>
    run(async (core, opts) => {
      const info = await call(core, 'app.info', {});
      print(opts, info, () => table([['Version', info.version], ['Workspace', info.dataDir], ['Schema', String(info.schemaVersion)], ['Key', info.keyMethod]]));
    }),
  );

  const job = program.command('job').description('inspection jobs');
  job
    .command('create')
    .description('create an inspection job; prints its id')
    .requiredOption('--name <name>', 'job name, e.g. "Tank 6 external, LR0328"')
    .option('--client <client>').option('--site <site>').option('--component <component>')
    .option('--procedure <procedure>').option('--inspector <inspector>')
    .option('--start <date>', 'start date, YYYY-MM-DD').option('--end <date>', 'end date, YYYY-MM-DD')
    .action((o: Record<string, string | undefined>) =>
      run(async (core, opts) => {
        const created = await call(core, 'jobs.create', {
          name: o.name, client: o.client, site: o.site, component: o.component, procedure: o.procedure,
          inspector: o.inspector, startDate: o.start ?? null, endDate: o.end ?? null,
        });
        print(opts, created, () => created.id);
      }),
    );
  job.command('list').description('list jobs, newest first').option('--limit <n>', 'how many', '100').action((o: { limit: string }) =>
    run(async (core, opts) => {
      const { jobs, total } = await call(core, 'jobs.list', { limit: Number(o.limit) });
      print(opts, { jobs, total }, () =>
        jobs.length === 0 ? 'No jobs yet: create one with `chitti job create --name …`.'
          : table([['ID', 'NAME', 'CLIENT', 'SITE', 'ASSETS', 'CREATED'], ...jobs.map((j) => [j.id, j.name, j.client, j.site, String(j.assetCount), j.createdAt.slice(0, 10)])]),
      );
    }),
  );
  job.command('show <jobId>').description('show a job and its assets').action((jobId: string) =>
    run(async (core, opts) => {
      const found = await call(core, 'jobs.get', { jobId });
      const assets = await allRows(async (limit, offset) => {
        const r = await call(core, 'assets.list', { jobId, limit, offset });
        return { rows: r.assets, total: r.total };
      });
      print(opts, { job: found, assets }, () =>
        [formatJob(found), '', assets.length ? table([['ASSET', 'KIND', 'TYPE', 'SIZE', 'NAME'], ...assets.map((a) => [a.id, a.kind, a.mime, String(a.size), a.originalName])]) : 'No assets yet.'].join('\n'),
      );
    }),
  );

  program
    .command('import <paths...>')
    .description('import files and folders (recursively) into a job; type is checked by content')
    .requiredOption('--job <jobId>', 'the job to import into')
    .option('--no-progress', 'no progress output on stderr')
    .action((paths: string[], o: { job: string; progress: boolean }) =>
      run(async (core, opts) => {
        const task = await call(core, 'assets.import', { jobId: o.job, paths: paths.map((p) => path.resolve(p)) });
        const finished = await watchTask(core, task, { progress: o.progress && !opts.json });
        return reportImport(core, finished, opts);
      }),
    );

  const tasks = program.command('tasks').description('background tasks (imports, detection)');
  tasks.command('list').option('--active', 'only queued or running tasks').action((o: { active?: boolean }) =>
    run(async (core, opts) => {
      const { tasks: list } = await call(core, 'tasks.list', { active: Boolean(o.active) });
      print(opts, { tasks: list }, () =>
        list.length === 0 ? 'No tasks.' : table([['TASK', 'KIND', 'STATUS', 'DONE', 'FAILED', 'CREATED'], ...list.map((t) => [t.id, t.kind, t.status, `${t.processed}/${t.total}`, String(t.failed), t.createdAt])]),
      );
    }),
  );
  tasks.command('show <taskId>').description('show a task and the outcome of each file').action((taskId: string) =>
    run(async (core, opts) => {
      const task = await call(core, 'tasks.get', { taskId });
      const items = await itemsOf(core, taskId);
      print(opts, { task, items }, () => [formatTaskSummary(task), ...items.map(formatItem)].join('\n'));
    }),
  );
  tasks.command('resume [taskId]').description('finish tasks that a stopped or killed process left unfinished (named: also a detection stopped by a model problem)').action((taskId: string | undefined) =>
    run(async (core, opts) => {
      const { resumed } = await call(core, 'tasks.resume', taskId ? { taskId } : {});
      if (resumed.length === 0) {
        print(opts, { resumed: [] }, () => 'Nothing to resume.');
        return;
      }
      let code: number = EXIT.OK;
      for (const id of resumed) {
        const task = await call(core, 'tasks.get', { taskId: id });
        const finished = await watchTask(core, task, { progress: !opts.json });
        code = Math.max(code, await (finished.kind === 'detect' ? reportDetect(core, finished, opts) : reportImport(core, finished, opts)));
      }
      return code;
    }),
  );
  tasks.command('cancel <taskId>').description('cancel a queued or running task').action((taskId: string) =>
    run(async (core, opts) => {
      const task = await call(core, 'tasks.cancel', { taskId });
      print(opts, task, () => `Task ${task.id}: ${task.status}.`);
    }),
  );

  const audit = program.command('audit').description('the hash-chained audit trail');
  audit.command('verify').description('check that no audit entry was edited, inserted or removed').action(() =>
    run(async (core, opts) => {
      const report = await call(core, 'audit.verify', {});
      print(opts, report, () =>
        report.ok
          ? `Audit trail intact: ${report.entries} entries, head ${report.headHash ?? '(empty)'}${report.anchored ? '' : ' (no anchor yet)'}.`
          : [`AUDIT TRAIL BROKEN (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}):`, ...report.problems.map((p) => `  #${p.seq} ${p.kind}: ${p.message}`)].join('\n'),
      );
      return report.ok ? EXIT.OK : EXIT.AUDIT_FAILED;
    }),
  );
  audit.command('log').description('show audit entries, newest first').option('--entity <id>').option('--limit <n>', 'how many', '50').action((o: { entity?: string; limit: string }) =>
    run(async (core, opts) => {
      const { entries } = await call(core, 'audit.list', { entityId: o.entity, limit: Number(o.limit) });
      print(opts, { entries }, () => table([['#', 'AT', 'ACTOR', 'ACTION', 'ENTITY'], ...entries.map((e) => [String(e.seq), e.at, e.actor, e.action, e.entityId])]));
    }),
  );

  registerReportCommand(program, run);
  registerDemoCommand(program, async (fn) => {
    standaloneExit = await fn(Boolean(program.opts<GlobalOptions>().json));
  });
  registerParseCommand(program, async (fn) => {
    standaloneExit = (await fn()) ?? EXIT.OK;
  });
  registerReviewCommand(program, async (fn) => {
    const opts = program.opts<GlobalOptions>();
    standaloneExit = (await fn(opts.dataDir ? path.resolve(opts.dataDir) : defaultDataDir(), Boolean(opts.json))) ?? EXIT.OK;
  });

  program
    .command('serve')
    .description('serve the app to a browser on 127.0.0.1, with a random access token')
    .addOption(new Option('--port <port>', 'port (0 = any free port)').default('0'))
    .action((o: { port: string }) =>
      run(async (core, opts) => {
        const staticDir = existsSync(RENDERER_DIR) ? RENDERER_DIR : null;
        const server = await startHttpServer(core, { port: Number(o.port), staticDir });
        const url = `${server.url}/#token=${server.token}`;
        print(opts, { url: server.url, port: server.port, token: server.token }, () =>
          [`Chitti is serving on ${server.url}`, `Open: ${url}`, staticDir ? '' : 'The UI is not built yet (run `npm run build`); the API is available.', 'Press Ctrl+C to stop.'].filter(Boolean).join('\n'),
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
      }, { autoResume: true }),
    );

  registerModelCommands(program, {
    standalone: async (fn) => {
      const opts = program.opts<GlobalOptions>();
      const r = await fn(opts.dataDir ? path.resolve(opts.dataDir) : defaultDataDir(), Boolean(opts.json));
      standaloneExit = r ?? EXIT.OK;
    },
    run,
    detectJob: (core, jobId, o, json) => detectJob(core, jobId, o, { json }),
  });

  return program;
}

/** Exit code of a command that needs no workspace (detect on files, models). */
let standaloneExit: number | null = null;

function itemsOf(core: Core, taskId: string, status?: TaskItem['status']): Promise<TaskItem[]> {
  return allRows(async (limit, offset) => {
    const r = await call(core, 'tasks.items', { taskId, status, limit, offset });
    return { rows: r.items, total: r.total };
  });
}

async function reportImport(core: Core, task: Task, opts: GlobalOptions): Promise<number> {
  const failed = await itemsOf(core, task.id, 'failed');
  const notes = await itemsOf(core, task.id, 'imported');
  const remarked = notes.filter((i) => i.message);
  print(opts, { task, failed, remarks: remarked }, () =>
    [
      formatTaskSummary(task),
      ...(failed.length ? ['Not imported:', ...failed.map((i) => `  ${formatItem(i).replace(/\n/g, '\n  ')}`)] : []),
      ...(remarked.length ? ['Imported with remarks:', ...remarked.map((i) => `  ${i.name}: ${i.message}`)] : []),
    ].join('\n'),
  );
  if (task.status === 'cancelled') return EXIT.INTERRUPTED;
  if (task.status === 'failed') return EXIT.FAILURE;
  return task.failed > 0 ? EXIT.PARTIAL : EXIT.OK;
}

/** Test-only fault injection from the environment: delays before each imported file / analysed image, an inference worker crash (WxH). */
function debugOptions(env: NodeJS.ProcessEnv): HeadlessCoreOptions {
  const crash = /^(\d+)x(\d+)$/.exec(env.CHITTI_DEBUG_CRASH_ON_SIZE ?? '');
  return {
    importDelayMs: Number(env.CHITTI_DEBUG_IMPORT_DELAY_MS ?? 0),
    detectDelayMs: Number(env.CHITTI_DEBUG_DETECT_DELAY_MS ?? 0),
    ...(crash ? { inference: { crashOnSize: { width: Number(crash[1]), height: Number(crash[2]) } } } : {}),
  };
}

/** `chitti detect --job ID`: a detect task on the job's images, followed to its end, then a summary. */
async function detectJob(core: Core, jobId: string, o: DetectOptions, opts: GlobalOptions): Promise<number> {
  if (o.out !== undefined || o.workers !== undefined) {
    throw new ChittiError('INVALID_INPUT', '--out and --workers apply to files; with --job the results are stored in the workspace (see `chitti tasks show`).');
  }
  const task = await call(core, 'detect.start', {
    jobId, modelId: o.model, threshold: o.threshold === undefined ? undefined : Number(o.threshold),
  });
  const finished = await watchTask(core, task, { progress: !opts.json });
  return reportDetect(core, finished, opts);
}

/** Images analysed, failed (with why) and findings per class of a detect task; exit 6 when an image failed. */
async function reportDetect(core: Core, task: Task, opts: GlobalOptions): Promise<number> {
  const failed = await itemsOf(core, task.id, 'failed');
  const analyses = await allRows(async (limit, offset) => {
    const r = await call(core, 'analyses.list', { taskId: task.id, limit, offset });
    return { rows: r.analyses, total: r.total };
  });
  const done = analyses.filter((a) => a.status === 'done');
  const perClass: Record<string, number> = {};
  for (const a of done) for (const [c, n] of Object.entries(a.classCounts)) perClass[c] = (perClass[c] ?? 0) + n;
  const models = [...new Set(analyses.map((a: Analysis) => `${a.modelId} ${a.modelVersion}`))];
  const findings = Object.values(perClass).reduce((s, n) => s + n, 0);
  print(opts, { task, model: models[0] ?? null, findings: perClass, failed }, () =>
    [
      formatTaskSummary(task) + (models.length ? `, model ${models.join(', ')}` : ''),
      findings === 0 ? 'No findings.' : `${findings} finding${findings === 1 ? '' : 's'}: ${Object.entries(perClass).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${n} ${c}`).join(', ')}`,
      ...(failed.length ? ['Not analysed:', ...failed.map((i) => `  ${i.name}  ${i.errorCode}: ${i.message}`)] : []),
      ...(task.status === 'failed' && task.processed < task.total
        ? [`${task.total - task.processed} image${task.total - task.processed === 1 ? '' : 's'} not analysed yet: fix the problem, then \`chitti tasks resume ${task.id}\`.`]
        : []),
    ].join('\n'),
  );
  if (task.status === 'cancelled') return EXIT.INTERRUPTED;
  if (task.status === 'failed') {
    process.stderr.write(`chitti: ${task.errorCode ?? 'INTERNAL'}: ${task.error ?? 'the task failed'}\n`);
    return task.errorCode ? exitCodeFor(task.errorCode) : EXIT.FAILURE;
  }
  return task.failed > 0 ? EXIT.PARTIAL : EXIT.OK;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const program = buildProgram(async (fn, coreOptions = {}) => {
    const opts = program.opts<GlobalOptions>();
    let core: Core | null = null;
    try {
      core = await openHeadlessCore({ ...coreOptions, dataDir: opts.dataDir, ...debugOptions(process.env) });
      exitCode = (await fn(core, opts)) ?? EXIT.OK;
    } catch (e) {
      if (e instanceof CliFailure) throw e;
      if (e instanceof ChittiError) throw new CliFailure(exitCodeFor(e.code), `${e.code}: ${e.message}`);
      throw e;
    } finally {
      await core?.close();
    }
  });
  standaloneExit = null;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof ChittiError) {
      process.stderr.write(`chitti: ${e.code}: ${e.message}\n`);
      return exitCodeFor(e.code);
    }
    if (e instanceof CliFailure) {
      process.stderr.write(`chitti: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`chitti: unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return EXIT.FAILURE;
  }
  return standaloneExit ?? exitCode;
}
