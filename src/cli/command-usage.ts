/**
 * What `liter-llm COMMAND --help` (or `-h`) prints: every flag of the command. main.ts answers
 * `--help` for every command from here, before the command parses its arguments (so `serve --help`
 * never starts a server).
 */
export const COMMAND_USAGE: Record<string, string> = {
  serve: `Usage: liter-llm serve [--config FILE] [--host H] [--port P]

The OpenAI/Anthropic-compatible gateway, port 8080 by default, until SIGTERM or SIGINT (then a
graceful drain). With --config the file is watched and valid changes are applied live.
  -c, --config FILE   the config (YAML or JSON); without it, providers come from the environment
      --host H        the address to bind (default server.host, 0.0.0.0)
  -p, --port P        the port to listen on (default server.port, 8080)`,

  engine: `Usage: liter-llm engine --stdio [--config FILE]

The engine process that the Python and Go bindings launch: length-prefixed JSON frames on standard
input and output (docs/protocol.md), logs on standard error. Ends after a shutdown call, or when
standard input closes. LITER_LLM_DEBUG_PROTOCOL=1 mirrors every frame to standard error.
      --stdio         speak the protocol over standard input and output (required)
  -c, --config FILE   the config; without it, providers come from the environment`,

  chat: `Usage: liter-llm chat --model M [--config FILE] [--stream] [--system S] [--max-tokens N] [--temperature T] [PROMPT...]

Prints the model's reply. Without PROMPT (or with "-"), the prompt is read from standard input.
  -m, --model M         provider/model (openai/gpt-6-luna) or a route name from the config
  -c, --config FILE     the config; without it, providers come from the environment
      --stream          print the reply as it arrives
  -s, --system S        a system prompt
      --max-tokens N    the longest reply, in tokens
      --temperature T   the sampling temperature`,

  embed: `Usage: liter-llm embed --model M [--config FILE] [--dimensions N] [TEXT...]

Prints one vector per TEXT, as a JSON array of arrays. Without TEXT (or with "-"), one text is read
from standard input.
  -m, --model M        provider/model (openai/text-embedding-3-small) or a route name
  -c, --config FILE    the config; without it, providers come from the environment
      --dimensions N   the vector size, for models that can shorten their vectors`,

  'check-config': `Usage: liter-llm check-config FILE

Validates a config file and explains every error with its path; exit 0 when it is valid, 1 when not.`,

  providers: `Usage: liter-llm providers [--json]

Every provider this build knows: its name, type, default base URL, the variable that holds its key,
what it can do, and whether that variable is set here (then it works with no config). Keys are
never printed.
      --json          the same as a JSON array`,

  'mock-provider': `Usage: liter-llm mock-provider --provider openai|anthropic|huggingface [--port P] [--host H] [--detached]
         [--fail-rate R] [--status N] [--retry-after S] [--latency-ms N] [--fail-mid-stream[=disconnect|error]]

A local server that answers in that provider's wire format (an echo of the last user message), for
trying the CLI and the gateway without keys. It stops on SIGINT or SIGTERM, and when the process
that started it exits (so "kill $!" after "npx liter-llm mock-provider ... &" stops it too).
  -p, --provider NAME     openai, anthropic or huggingface
      --port P            the port (default 0: any free port, printed at start)
      --host H            the address to bind (default 127.0.0.1)
      --detached          keep running when the process that started it exits
Failures, to see retries, fallbacks and stream errors offline:
      --fail-rate R       the fraction of calls that fail, 0 to 1, spread evenly from the first call
                          (0.5: calls 1, 3, 5... fail); default 1 when --status, --retry-after or
                          --fail-mid-stream is given, else 0
      --status N          the status of a failing call, 400-599, with the provider's error body
                          (default 500)
      --retry-after S     send "retry-after: S" (whole seconds) with each failure
      --latency-ms N      wait N ms before every answer
      --fail-mid-stream[=disconnect|error]
                          a failing streamed call sends half of its events, then the connection
                          breaks (disconnect, the default) or an in-band error event ends it`,
};
