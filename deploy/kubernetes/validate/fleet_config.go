package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"sigs.k8s.io/yaml"
)

// FleetConfig is the part of a liter-llm config file the manifests must agree with. The gateway
// validates the whole file itself (test/deploy/fleet-config.test.ts runs `liter-llm check-config`);
// here it is read only as far as the cross-checks need, so unknown keys are ignored.
type FleetConfig struct {
	Limits struct {
		Store            string `json:"store"`
		RedisURL         string `json:"redis_url"`
		ExpectedReplicas string `json:"expected_replicas"`
	} `json:"limits"`
	ConfigSource struct {
		Etcd *struct {
			Endpoints []string `json:"endpoints"`
		} `json:"etcd"`
	} `json:"config_source"`
	Server struct {
		Host           string `json:"host"`
		Port           *int   `json:"port"`
		DrainDelayMs   int    `json:"drain_delay_ms"`
		DrainTimeoutMs *int   `json:"drain_timeout_ms"`
	} `json:"server"`
	// Variables the file reads (`${NAME}` or `${NAME:-default}`), with whether a default exists.
	Variables map[string]bool `json:"-"`
}

// The gateway's defaults for omitted keys (src/engine/config/config-defaults.ts).
const (
	defaultPort           = 8080
	defaultDrainTimeoutMs = 10_000
)

var variableReference = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}`)

// ParseFleetConfig reads a liter-llm config file's text.
func ParseFleetConfig(text []byte) (*FleetConfig, error) {
	// expected_replicas may be a number or a ${VAR}: read it as text either way.
	var raw map[string]any
	if err := yaml.Unmarshal(maskReferences(text), &raw); err != nil {
		return nil, fmt.Errorf("liter-llm config: %w", err)
	}
	if limits, ok := raw["limits"].(map[string]any); ok {
		if value, ok := limits["expected_replicas"].(float64); ok {
			limits["expected_replicas"] = strconv.FormatFloat(value, 'f', -1, 64)
		}
	}
	normalised, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	config := &FleetConfig{Variables: map[string]bool{}}
	if err := json.Unmarshal(unmaskReferences(normalised), config); err != nil {
		return nil, fmt.Errorf("liter-llm config: %w", err)
	}
	collectVariables(raw, config.Variables)
	return config, nil
}

// collectVariables records the `${NAME}` references of every string value (not of comments, which
// the gateway never reads), unmasked.
func collectVariables(value any, into map[string]bool) {
	switch typed := value.(type) {
	case string:
		for _, match := range variableReference.FindAllStringSubmatch(string(unmaskReferences([]byte(typed))), -1) {
			into[match[1]] = into[match[1]] || match[2] != ""
		}
	case []any:
		for _, item := range typed {
			collectVariables(item, into)
		}
	case map[string]any:
		for _, item := range typed {
			collectVariables(item, into)
		}
	}
}

// `[ ${KEY} ]` is what the gateway accepts, but `{` and `}` are YAML flow indicators: as the
// gateway does (src/engine/config/mask-env-references.ts), the braces of each `${...}` become two
// private-use characters while the YAML is parsed.
var (
	reference  = regexp.MustCompile(`\$\{([^}\n]*)\}`)
	openBrace  = []byte("\uE000")
	closeBrace = []byte("\uE001")
)

func maskReferences(text []byte) []byte {
	return reference.ReplaceAll(text, slices.Concat([]byte("$$"), openBrace, []byte("${1}"), closeBrace))
}

func unmaskReferences(text []byte) []byte {
	return bytes.ReplaceAll(bytes.ReplaceAll(text, openBrace, []byte("{")), closeBrace, []byte("}"))
}

// Port is server.port or the gateway's default.
func (c *FleetConfig) Port() int {
	if c.Server.Port == nil {
		return defaultPort
	}
	return *c.Server.Port
}

// DrainMs is how long the gateway may take after SIGTERM before it exits: the drain delay, then
// the drain timeout.
func (c *FleetConfig) DrainMs() int {
	timeout := defaultDrainTimeoutMs
	if c.Server.DrainTimeoutMs != nil {
		timeout = *c.Server.DrainTimeoutMs
	}
	return c.Server.DrainDelayMs + timeout
}

// Resolve replaces one `${NAME}` (the whole value) from env; other text is returned as it is.
func Resolve(value string, env map[string]string) (string, error) {
	match := variableReference.FindStringSubmatch(value)
	if match == nil || match[0] != value {
		return value, nil
	}
	if resolved, ok := env[match[1]]; ok {
		return resolved, nil
	}
	return "", fmt.Errorf("%s is not set in the container's environment", match[1])
}

// HostOf is the host name of a URL such as redis://liter-llm-redis:6379/0.
func HostOf(address string) (string, error) {
	parsed, err := url.Parse(address)
	if err != nil {
		return "", err
	}
	if parsed.Hostname() == "" {
		return "", fmt.Errorf("%q has no host", address)
	}
	return parsed.Hostname(), nil
}
