/** Spans sorted by start and not overlapping (tags, composed parts, comments): which one holds an offset. */
export interface SpanLike {
  start: number;
  end: number;
}

/** Index of the span with start ≤ offset < end, by binary search; -1 when none holds it. */
export function spanIndexAt(spans: readonly SpanLike[], offset: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (offset < spans[mid].start) hi = mid - 1;
    else if (offset >= spans[mid].end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
