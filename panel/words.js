// How the panel says values in words: the same text is the visible value and
// the slider's aria-valuetext, so a screen reader hears "much more", not "1".

/** A category slider (−1..1) or a learned interest, in words. */
export function sliderWords(value) {
  if (value === 0) return 'no change';
  const size = Math.abs(value);
  const direction = value > 0 ? 'more' : 'less';
  if (size <= 0.25) return `a little ${direction}`;
  if (size <= 0.75) return direction;
  return `much ${direction}`;
}

/** Personalization strength (0..1). */
export function strengthWords(value) {
  if (value <= 0) return 'off';
  if (value <= 0.3) return 'light';
  if (value <= 0.7) return 'medium';
  return value < 1 ? 'strong' : 'full';
}

/** Variety (0..1). */
export function varietyWords(value) {
  if (value <= 0) return 'none';
  if (value <= 0.3) return 'a little';
  if (value <= 0.7) return 'some';
  return 'a lot';
}

/** The frequency slider moves over these caps; the core accepts 1..100. */
export const FREQUENCY_STEPS = [1, 2, 3, 5, 10, 20, 50, 100];

export function frequencyWords(cap) {
  return cap === 1 ? 'at most once a day' : `at most ${cap} times a day`;
}

/** The slider position closest to a stored cap (which may be any of 1..100). */
export function nearestStep(cap) {
  let best = 0;
  FREQUENCY_STEPS.forEach((step, i) => {
    if (Math.abs(step - cap) < Math.abs(FREQUENCY_STEPS[best] - cap)) best = i;
  });
  return best;
}

export function formatBytes(n) {
  return n < 1024 ? `${n} bytes` : `${(n / 1024).toFixed(1)} kB`;
}

export function formatDate(ms) {
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

/** A score contribution with its sign: "+0.84", "−0.25" (a real minus). */
export function signed(x) {
  return `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x).toFixed(2)}`;
}
