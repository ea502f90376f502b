package validate

import (
	"maps"
	"testing"
)

func TestParseFleetConfigReadsWhatTheGatewayReads(t *testing.T) {
	config, err := ParseFleetConfig([]byte(`# not read: ${IN_A_COMMENT}
limits: { store: redis, redis_url: "redis://${REDIS_HOST:-liter-llm-redis}:6379", expected_replicas: 3 }
server:
  port: 9090
  api_keys: [ ${KEY} ]
  drain_delay_ms: 1500
`))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"KEY": false, "REDIS_HOST": true}; !maps.Equal(config.Variables, want) {
		t.Errorf("variables %v, want %v", config.Variables, want)
	}
	if config.Limits.ExpectedReplicas != "3" || config.Limits.RedisURL != "redis://${REDIS_HOST:-liter-llm-redis}:6379" {
		t.Errorf("limits %+v", config.Limits)
	}
	if config.Port() != 9090 || config.DrainMs() != 1500+defaultDrainTimeoutMs {
		t.Errorf("port %d, drain %d ms", config.Port(), config.DrainMs())
	}
	if got, err := Resolve("${KEY}", map[string]string{"KEY": "3"}); got != "3" || err != nil {
		t.Errorf("Resolve: %q, %v", got, err)
	}
	if _, err := Resolve("${MISSING}", map[string]string{}); err == nil {
		t.Error("Resolve of an unset variable should fail")
	}
}
