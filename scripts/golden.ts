/**
 * `npm run golden -- FILE`: checks this repo's metric-learning losses and miners against a golden
 * file (schema and semantics: ../shared/golden/README.md). One line per entry, then
 * `N passed, M failed`; exit status 1 if anything failed or was unsupported, 2 on a bad file.
 */
import { readFileSync } from 'node:fs';
import { initBackend } from '../src/backend';
import { isUserError } from '../src/errors';
import { formatReport, parseGoldenFile, runGolden } from '../src/metric/golden';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run golden -- FILE   (e.g. ../shared/golden/metric-learning.json)');
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`Cannot read ${file} as JSON: ${(e as Error).message}`);
    return 2;
  }
  await initBackend();
  const report = runGolden(parseGoldenFile(json, file));
  for (const line of formatReport(report)) console.log(line);
  return report.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(isUserError(e) ? e.message : e);
    process.exit(2);
  },
);
