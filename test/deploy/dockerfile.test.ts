/**
 * The Dockerfile, read rather than built (no Docker engine runs here): its stages, its final image,
 * what it installs and runs, and that it agrees with the Kubernetes Deployment and the gateway.
 * Every path it copies from the context exists and is not dropped by .dockerignore.
 * container-dry-run.test.ts then runs the final stage's steps on this machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDockerIgnored } from './is-docker-ignored.js';
import { lastInstruction, parseDockerfile, parseExecForm, type DockerStage } from './parse-dockerfile.js';
import { readDeployment, readFleetConfig, ROOT } from './read-deploy-files.js';

const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
const dockerignore = readFileSync(`${ROOT}.dockerignore`, 'utf8');
const stages = parseDockerfile(dockerfile);
const final = stages.at(-1)!;
const container = readDeployment().spec.template.spec.containers[0]!;
const tsconfig = JSON.parse(readFileSync(`${ROOT}tsconfig.json`, 'utf8')) as { compilerOptions: { outDir: string } };

const runs = (stage: DockerStage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.text);
/** The command the container runs: ENTRYPOINT then CMD. */
const command = [
  ...parseExecForm(lastInstruction(final, 'ENTRYPOINT')!.text),
  ...parseExecForm(lastInstruction(final, 'CMD')!.text),
];

describe('Dockerfile', () => {
  it('builds in one stage and runs from a slim Node 20 stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages.find((stage) => stage.name === 'build');
    expect(build?.image).toBe('node:20-bookworm-slim');
    expect(runs(build!).some((run) => /^npm ci\b/.test(run))).toBe(true);
    expect(runs(build!)).toContain('npx tsc -b');
    expect(final.image).toMatch(/^node:20[^\s]*slim$/);
    expect(final.name).toBeUndefined();
  });

  it('installs production dependencies only in the final stage', () => {
    const installs = runs(final).filter((run) => run.includes('npm ci'));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/npm ci --omit=dev\b/);
    expect(runs(final).join('\n')).not.toMatch(/tsc|npm install/);
  });

  it('copies the compiled output from the build stage, where tsc writes it', () => {
    const build = stages.find((stage) => stage.name === 'build')!;
    const workdir = lastInstruction(build, 'WORKDIR')!.text;
    const copies = final.instructions.filter((i) => i.keyword === 'COPY' && i.text.startsWith('--from=build'));
    expect(copies.map((copy) => copy.text)).toEqual([`--from=build ${workdir}/${tsconfig.compilerOptions.outDir} ./dist`]);
  });

  it('runs as a non-root user, by number, the one the Deployment names', () => {
    const user = lastInstruction(final, 'USER')!.text;
    const [uid] = user.split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).not.toBe(0);
    expect(Number(uid)).toBe(readDeployment().spec.template.spec.securityContext.runAsUser);
    // Nothing after USER runs as root again.
    const userIndex = final.instructions.indexOf(lastInstruction(final, 'USER')!);
    expect(final.instructions.slice(userIndex).filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  it('exposes the port the gateway listens on and the Deployment declares', () => {
    const config = readFleetConfig();
    expect(lastInstruction(final, 'EXPOSE')!.text).toBe(String(config.server.port));
    expect(container.ports.map((port) => port.containerPort)).toEqual([config.server.port]);
  });

  it('checks its health on /healthz with node, since the slim image has no curl', () => {
    const healthcheck = lastInstruction(final, 'HEALTHCHECK')!.text;
    const [, exec] = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/.exec(healthcheck) ?? [];
    const [program, flag, script] = parseExecForm(exec!);
    expect([program, flag]).toEqual(['node', '-e']);
    expect(script).toContain(`http://127.0.0.1:${lastInstruction(final, 'EXPOSE')!.text}/healthz`);
  });

  it('runs liter-llm serve with the config where the Deployment mounts it', () => {
    expect(command.slice(0, 2)).toEqual(['node', `/app/${tsconfig.compilerOptions.outDir}/cli/main.js`]);
    expect(lastInstruction(final, 'WORKDIR')!.text).toBe('/app');
    expect(command.slice(2)).toEqual(container.args);
    expect(container.args.slice(0, 2)).toEqual(['serve', '--config']);
    expect(existsSync(`${ROOT}src/cli/main.ts`)).toBe(true);
  });
});

describe('.dockerignore', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const contextCopies = stages.flatMap((stage) =>
    stage.instructions.filter((i) => i.keyword === 'COPY' && !i.text.startsWith('--from=')),
  );

  it('keeps every file the build copies', () => {
    expect(contextCopies.length).toBeGreaterThanOrEqual(3);
    for (const copy of contextCopies) {
      const sources = copy.text.split(/\s+/).slice(0, -1);
      for (const source of sources) {
        const path = source.replace(/^\.\//, '').replace(/\/$/, '');
        expect(existsSync(`${ROOT}${path}`), `COPY ${source} (Dockerfile line ${copy.line})`).toBe(true);
        const files = tracked.filter((file) => file === path || file.startsWith(`${path}/`));
        expect(files.length, `git tracks nothing under ${path}`).toBeGreaterThan(0);
        const dropped = files.filter((file) => isDockerIgnored(file, dockerignore));
        // Fixtures under src/ are excluded from the compile by tsconfig.json anyway.
        expect(dropped, `.dockerignore drops files COPY ${source} needs`).toEqual([]);
      }
    }
  });

  it('leaves out local builds, dependencies, the git history and local configs', () => {
    for (const path of [
      'node_modules/undici/index.js',
      'dist/cli/main.js',
      '.git/HEAD',
      'liter-llm.yaml',
      '.env',
      'src/x.tsbuildinfo',
    ]) {
      expect(isDockerIgnored(path, dockerignore), path).toBe(true);
    }
  });
});

describe('isDockerIgnored', () => {
  it('follows Docker’s matching rules', () => {
    const rules = 'dist\n*.log\n**/cache\n!keep.log\nsrc/*/tmp\n';
    expect(isDockerIgnored('dist/a/b.js', rules)).toBe(true);
    expect(isDockerIgnored('distance.ts', rules)).toBe(false);
    expect(isDockerIgnored('a.log', rules)).toBe(true);
    expect(isDockerIgnored('keep.log', rules)).toBe(false);
    expect(isDockerIgnored('sub/a.log', rules)).toBe(false);
    expect(isDockerIgnored('x/y/cache/z', rules)).toBe(true);
    expect(isDockerIgnored('cache', rules)).toBe(true);
    expect(isDockerIgnored('src/cli/tmp/a', rules)).toBe(true);
    expect(isDockerIgnored('src/tmp', rules)).toBe(false);
  });
});
