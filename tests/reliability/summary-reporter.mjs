// A node:test reporter that ends with "N passed, N failed" (leaf tests
// only) after the name and first line of every failure.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for await (const event of source) {
    if (event.data?.details?.type === 'suite') continue;
    if (event.type === 'test:pass' && !event.data.skip && !event.data.todo) passed++;
    if (event.type === 'test:fail') {
      failed++;
      const error = event.data.details?.error;
      const message = String(error?.cause?.message ?? error?.message ?? error ?? '').split('\n')[0];
      failures.push(`${event.data.file ? `${event.data.file.split('/tests/').pop()}: ` : ''}${event.data.name}: ${message}`);
    }
  }
  for (const f of failures) yield `FAILED ${f}\n`;
  yield `${passed} passed, ${failed} failed\n`;
}
