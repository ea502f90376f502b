import { InvalidRequestError } from '../../spec/errors.js';

// Besides dot and empty segments, characters a URL or a server could read as another path are
// refused rather than escaped: backslashes (some servers read them as slashes), `%` (an encoded
// slash or dot that a proxy decodes), `?` and `#`.
const FORBIDDEN_CHARACTER = /[\\%?#]/;

/**
 * A model id for the hosted routes' URL paths (`/hf-inference/models/{model}/…`), each segment
 * escaped and the organisation slash kept. The operator's token goes with every request, so an id
 * that would reach another path on the router (`../../api/whoami-v2`) is an InvalidRequestError
 * naming `model`, thrown before anything is sent.
 */
export function encodeHuggingFaceModelPath(model: string): string {
  const segments = model.split('/');
  const wrong = describeWrongModelId(model, segments);
  if (wrong !== undefined) {
    throw new InvalidRequestError({
      message: `${JSON.stringify(model)} is not a Hugging Face model id: ${wrong}`,
      param: 'model',
    });
  }
  return segments.map(encodeURIComponent).join('/');
}

/** Why a text is not a Hub id (`name` or `organisation/name`), or undefined when it is one. */
function describeWrongModelId(model: string, segments: readonly string[]): string | undefined {
  if (segments.length > 2) return 'it has more than one "/" (ids are name or organisation/name)';
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'it has an empty, "." or ".." path segment';
  }
  if (FORBIDDEN_CHARACTER.test(model)) return 'it contains a backslash, "%", "?" or "#"';
  for (let index = 0; index < model.length; index++) {
    const code = model.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return 'it contains a control character';
  }
  return undefined;
}
