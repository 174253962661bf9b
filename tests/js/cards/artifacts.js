// Where the C# tests leave what these JS judges check (see tests/CrmBot.Teams.Tests/Cards/CardArtifactsFacts.cs
// and tests/CrmBot.Slack.Tests/Blocks/BlockKitArtifactsFacts.cs). scripts/test runs the .NET tests first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = process.env.CRMBOT_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const artifacts = path.join(root, 'artifacts', 'cards');

/** The JSON files of artifacts/cards/<folder>, as [name, parsed]; throws a clear error when the C# side has not run. */
export function readArtifacts(folder) {
  const dir = path.join(artifacts, folder);
  if (!fs.existsSync(dir) || fs.readdirSync(dir).length === 0) {
    throw new Error(`${dir} is missing or empty: run the .NET tests first (scripts/test does), they write it.`);
  }
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))]);
}

export function readTemplate(name) {
  return JSON.parse(fs.readFileSync(path.join(root, 'cards', `${name}.json`), 'utf8'));
}

/** ../shared beside the repository (CI); a worktree may sit deeper, so the nearest ancestor holding shared/ wins. */
export function sharedPath(...parts) {
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', ...parts);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`shared/${parts.join('/')} not found beside ${root}`);
  }
}
