// A node:test reporter that prints one line per test and, last, the totals
// line run.sh promises: "N passed, N failed" (skipped tests are counted on
// the line before it).

export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  const stderr = new Map(); // file -> what it wrote to stderr (why a file crashed)
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:stderr') {
      stderr.set(data.file, (stderr.get(data.file) ?? '') + data.message);
      continue;
    }
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    // Files run as subprocesses are reported as tests too; count only the
    // tests themselves (a crashing file still counts, as a failure).
    const isFile = data.name.endsWith('.mjs') && data.nesting === 0;
    if (type === 'test:pass') {
      if (isFile) continue;
      if (data.skip !== undefined) {
        skipped++;
        yield `  skip  ${data.name}${typeof data.skip === 'string' ? `: ${data.skip}` : ''}\n`;
        continue;
      }
      passed++;
      yield `  ok    ${data.name} (${Math.round(data.details.duration_ms)} ms)\n`;
    } else {
      if (isFile && data.details.error?.failureType === 'subtestsFailed') continue;
      failed++;
      const error = data.details.error?.cause ?? data.details.error;
      const output = isFile ? stderr.get(data.file) ?? stderr.get(data.name) ?? '' : '';
      failures.push(`${data.name}\n${String(error?.stack ?? error?.message ?? error).split('\n').slice(0, 12).join('\n')}\n${output.trim()}`);
      yield `  FAIL  ${data.name}\n`;
    }
  }
  if (failures.length > 0) yield `\nFailures:\n\n${failures.join('\n\n')}\n\n`;
  if (skipped > 0) yield `${skipped} skipped\n`;
  yield `${passed} passed, ${failed} failed\n`;
}
