/**
 * Enough of the Dockerfile grammar to check ours: instructions (continuation lines joined,
 * comments and parser directives dropped) grouped by build stage. Arguments in exec (JSON array)
 * form are parsed as JSON, as Docker does.
 */
export interface DockerInstruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined by a space. */
  text: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface DockerStage {
  image: string;
  name: string | undefined;
  instructions: DockerInstruction[];
}

export function parseDockerfile(source: string): DockerStage[] {
  const stages: DockerStage[] = [];
  const lines = source.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const start = index;
    let text = lines[index]!.trim();
    if (text === '' || text.startsWith('#')) continue;
    while (text.endsWith('\\') && index + 1 < lines.length) {
      const next = lines[++index]!.trim();
      text = `${text.slice(0, -1).trimEnd()} ${next.startsWith('#') ? '' : next}`.trimEnd();
    }
    const [keyword = '', ...rest] = text.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), text: rest.join(' '), line: start + 1 };
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.text);
      if (!match) throw new Error(`Dockerfile line ${instruction.line}: cannot read FROM ${instruction.text}`);
      stages.push({ image: match[1]!, name: match[2], instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before any FROM`);
    stage.instructions.push(instruction);
  }
  return stages;
}

/** The one instruction of a stage with this keyword (the last one wins, as in Docker). */
export function lastInstruction(stage: DockerStage, keyword: string): DockerInstruction | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);
}

/** `["node", "x.js"]` as a list; shell form is refused, since it would run under /bin/sh. */
export function parseExecForm(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new Error(`expected exec form (a JSON array of strings), got ${text}`);
  }
  return parsed;
}
