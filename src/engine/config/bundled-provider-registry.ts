// The one place under engine/ that names the bundled providers. Config validation needs their
// definitions (types, defaults, option schemas) so that parseConfig(text) and the other loaders
// keep working without a registry argument; every loader takes `registry` to use another. The
// definitions' create() is never called from here: the engine core still gets adapters injected
// (docs/decisions/provider-registry.md).
export { defaultProviderRegistry as bundledProviderRegistry } from '../../providers/default-provider-registry.js';
