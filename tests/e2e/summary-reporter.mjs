// A node:test reporter that prints one line per test and, last, the totals
// line run.sh promises: "N passed, N failed".

export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for await (const event of source) {
    const { type, data } = event;
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    // Files run as subprocesses are reported as tests too; count only the
    // tests themselves (a crashing file still counts, as a failure).
    const isFile = data.name.endsWith('.mjs') && data.nesting === 0;
    if (type === 'test:pass') {
      if (isFile) continue;
      passed++;
      yield `  ok    ${data.name} (${Math.round(data.details.duration_ms)} ms)\n`;
    } else {
      if (isFile && data.details.error?.failureType === 'subtestsFailed') continue;
      failed++;
      const error = data.details.error?.cause ?? data.details.error;
      failures.push(`${data.name}\n${String(error?.stack ?? error?.message ?? error).split('\n').slice(0, 12).join('\n')}`);
      yield `  FAIL  ${data.name}\n`;
    }
  }
  if (failures.length > 0) yield `\nFailures:\n\n${failures.join('\n\n')}\n\n`;
  yield `${passed} passed, ${failed} failed\n`;
}
