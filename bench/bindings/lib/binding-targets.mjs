// The rows of the bindings benchmark: what each one runs and which row it is judged against.
//
// `kind` says how its worker starts: a Python target of python_worker.py in one of the two venvs, or
// one of the Go programs under bench/bindings/. `endpoint` says where its calls go: the engine config
// (stdio), the gateway (HTTP), or the mock upstream itself (direct). Python rows are judged against
// the openai SDK direct in the same style (threads against threads, asyncio against asyncio), the Go
// binding against net/http direct.
export const BINDING_TARGETS = [
  {
    id: 'python-stdio',
    label: 'Python stdio: `liter_llm.Client(config=...)`, threads',
    kind: 'python',
    worker: 'binding-stdio',
    venv: 'openai',
    endpoint: 'stdio',
    baseline: 'openai-sync',
  },
  {
    id: 'python-stdio-async',
    label: 'Python stdio: `liter_llm.AsyncClient(config=...)`, asyncio',
    kind: 'python',
    worker: 'binding-stdio-async',
    venv: 'openai',
    endpoint: 'stdio',
    baseline: 'openai-async',
  },
  {
    id: 'python-http',
    label: 'Python HTTP via the gateway: `liter_llm.Client(base_url=..., api_key=...)`, threads',
    kind: 'python',
    worker: 'binding-http',
    venv: 'openai',
    endpoint: 'gateway',
    baseline: 'openai-sync',
  },
  {
    id: 'python-http-async',
    label: 'Python HTTP via the gateway: `liter_llm.AsyncClient(base_url=..., api_key=...)`, asyncio',
    kind: 'python',
    worker: 'binding-http-async',
    venv: 'openai',
    endpoint: 'gateway',
    baseline: 'openai-async',
  },
  {
    id: 'openai-sync',
    label: '`openai` SDK direct: `OpenAI`, threads',
    kind: 'python',
    worker: 'openai-sync',
    venv: 'openai',
    endpoint: 'upstream',
    baseline: null,
  },
  {
    id: 'openai-async',
    label: '`openai` SDK direct: `AsyncOpenAI`, asyncio',
    kind: 'python',
    worker: 'openai-async',
    venv: 'openai',
    endpoint: 'upstream',
    baseline: null,
  },
  {
    id: 'pypi-liter-llm',
    label: 'public index `liter-llm` 2.4.0 direct (Rust in process), asyncio',
    kind: 'python',
    worker: 'pypi-liter-llm',
    venv: 'pypi-liter-llm',
    endpoint: 'upstream',
    baseline: 'openai-async',
  },
  {
    id: 'go-stdio',
    label: 'Go stdio: `literllm.New(ctx, literllm.WithConfigFile(...))`, goroutines',
    kind: 'go',
    program: 'go-stdio',
    endpoint: 'stdio',
    baseline: 'go-nethttp',
  },
  {
    id: 'go-nethttp',
    label: 'Go `net/http` direct, goroutines',
    kind: 'go',
    program: 'go-nethttp',
    endpoint: 'upstream',
    baseline: null,
  },
];
