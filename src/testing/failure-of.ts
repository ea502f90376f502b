import { isLiterLLMError, type LiterLLMError } from '../spec/errors.js';

/** The LiterLLMError a call fails with; anything else (or a success) fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<LiterLLMError> {
  try {
    await promise;
  } catch (error) {
    if (isLiterLLMError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
