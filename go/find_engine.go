package literllm

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// howToGetAnEngine ends every "no engine" error.
const howToGetAnEngine = "get one with `make engine-binary` in a liter-llm checkout (dist/bin/liter-llm) and pass " +
	"literllm.WithEngine(path) or set LITER_LLM_ENGINE=/path/to/liter-llm; or build a checkout (`npx tsc -b`) " +
	"and set LITER_LLM_CHECKOUT to it (node runs its dist/cli/main.js); or put liter-llm on PATH"

// findEngine is the command that starts the engine, without `engine --stdio`, in the order of the
// bindings spec: WithEngine, LITER_LLM_ENGINE, a checkout's dist/bin/liter-llm, then node with
// the checkout's dist/cli/main.js, then liter-llm on PATH. The checkout is LITER_LLM_CHECKOUT, or
// the repository this package's source lies in (a `replace` directive to a checkout's go/).
func findEngine(explicit []string, env []string) ([]string, error) {
	if len(explicit) > 0 {
		if explicit[0] == "" {
			return nil, &Error{Code: CodeInvalidRequest, Param: "WithEngine", Message: "WithEngine: expected the engine's path, got an empty one"}
		}
		return engineCommand(explicit, "WithEngine")
	}
	if configured := lookupEnv(env, "LITER_LLM_ENGINE"); configured != "" {
		return engineCommand([]string{configured}, "LITER_LLM_ENGINE")
	}
	for _, checkout := range checkoutCandidates(env) {
		binary := filepath.Join(checkout, "dist", "bin", "liter-llm")
		if isExecutableFile(binary) {
			return []string{binary}, nil
		}
		mainJS := filepath.Join(checkout, "dist", "cli", "main.js")
		if isFile(mainJS) {
			if node, err := exec.LookPath("node"); err == nil {
				return []string{node, mainJS}, nil
			}
		}
	}
	if onPath, err := exec.LookPath("liter-llm"); err == nil {
		return []string{onPath}, nil
	}
	return nil, internalError("no liter-llm engine found: %s", howToGetAnEngine)
}

// engineCommand checks a given engine: a .js file runs under node; anything else must exist.
func engineCommand(command []string, source string) ([]string, error) {
	path := command[0]
	if strings.HasSuffix(path, ".js") {
		if !isFile(path) {
			return nil, internalError("%s: the engine %s does not exist; %s", source, path, howToGetAnEngine)
		}
		node, err := exec.LookPath("node")
		if err != nil {
			return nil, internalError("%s: the engine %s is a JavaScript file and needs node on PATH; or use the standalone engine: %s", source, path, howToGetAnEngine)
		}
		return append([]string{node}, command...), nil
	}
	resolved, err := exec.LookPath(path)
	if err != nil {
		return nil, internalError("%s: cannot run the engine %q (%v); %s", source, path, err, howToGetAnEngine)
	}
	return append([]string{resolved}, command[1:]...), nil
}

// checkoutCandidates are the repository roots to look in: LITER_LLM_CHECKOUT, then the one this
// source file lies in (known when the program was built from a checkout, not with -trimpath).
func checkoutCandidates(env []string) []string {
	var candidates []string
	if checkout := lookupEnv(env, "LITER_LLM_CHECKOUT"); checkout != "" {
		candidates = append(candidates, checkout)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		candidates = append(candidates, filepath.Dir(filepath.Dir(file)))
	}
	return candidates
}

// lookupEnv reads KEY from "KEY=value" entries; the last one wins, as with exec.Cmd.Env.
func lookupEnv(env []string, key string) string {
	value := ""
	for _, entry := range env {
		if name, rest, ok := strings.Cut(entry, "="); ok && name == key {
			value = rest
		}
	}
	return value
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

func isExecutableFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}
