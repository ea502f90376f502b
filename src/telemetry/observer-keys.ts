/** Keys under RequestContext.observers that one telemetry part writes and another reads. */
export const TRACE_ID_KEY = 'liter_llm.trace_id';
