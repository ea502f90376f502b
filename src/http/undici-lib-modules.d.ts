// The two undici files that undici-parts.ts imports directly. undici types its index only; these say
// what each file's `module.exports` is, which undici-parts.test.ts checks against the index.
declare module 'undici/lib/dispatcher/pool.js' {
  const Pool: unknown;
  export default Pool;
}

declare module 'undici/lib/api/api-request.js' {
  const request: unknown;
  export default request;
}
