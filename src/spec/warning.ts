/** A setting the provider cannot honour, reported instead of silently dropped. */
export interface Warning {
  type: 'unsupported-setting' | 'other';
  /** The canonical field, e.g. `seed` or `messages[2].content[0].detail`. */
  setting?: string;
  message: string;
}
