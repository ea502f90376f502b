/**
 * The protocol version this engine speaks (semver-like). A binding and an engine work together
 * when the major numbers agree: a minor bump only adds optional fields, methods or capabilities.
 */
export const PROTOCOL_VERSION = '1.0.0';

const VERSION = /^(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?(?:[-+][0-9A-Za-z.+-]*)?$/;

/** The reason a client's protocol version cannot be served, or undefined when it can. */
export function checkProtocolVersion(clientVersion: string, engineVersion = PROTOCOL_VERSION): string | undefined {
  const client = VERSION.exec(clientVersion);
  if (client === null) return `protocolVersion must look like MAJOR.MINOR[.PATCH], got ${JSON.stringify(clientVersion)}`;
  const engineMajor = VERSION.exec(engineVersion)![1];
  if (client[1] === engineMajor) return undefined;
  return (
    `protocol version mismatch: the client speaks ${clientVersion}, this engine speaks ${engineVersion} ` +
    `(major ${engineMajor}); use a binding and an engine of the same release`
  );
}
