/**
 * The candidate a misspelt word most likely meant, or undefined when none is close. Case, `_` and `-`
 * are ignored first, so `maxConcurrency` and `max-concurrency` both find `max_concurrency`.
 */
export function suggestClosest(word: string, candidates: Iterable<string>): string | undefined {
  const normalizedWord = normalize(word);
  // Roughly one typo per three letters, at least one and at most three.
  const allowed = Math.min(3, Math.max(1, Math.floor(normalizedWord.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = measureEditDistance(normalizedWord, normalize(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

function normalize(word: string): string {
  return word.toLowerCase().replace(/[_-]/g, '');
}

/**
 * Edit distance where swapping two neighbouring letters counts as one edit (optimal string
 * alignment), since `wieght` for `weight` is the commonest typo of all.
 */
export function measureEditDistance(a: string, b: string): number {
  if (a === b) return 0;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, beforePrevious[j - 2]! + 1);
      }
      current[j] = distance;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
