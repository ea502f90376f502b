package validate

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

const (
	baseDir       = "../base"
	fleetConfig   = "../base/liter-llm.yaml"
	secretExample = "../base/secret.example.yaml"
	packageJSON   = "../../../package.json"
	// The gateway's endpoints (src/gateway/create-gateway-handler.ts).
	healthPath = "/healthz"
	readyPath  = "/readyz"
	// The per-pod metric the autoscaler reads (src/telemetry/create-metrics.ts).
	inflightMetric = "liter_llm_inflight_requests"
)

func TestEveryBaseFileDecodesStrictly(t *testing.T) {
	var kustomization struct {
		Resources []string `json:"resources"`
	}
	readYAML(t, filepath.Join(baseDir, "kustomization.yaml"), &kustomization)
	if len(kustomization.Resources) < 5 {
		t.Fatalf("the base lists %d resources, expected at least 5", len(kustomization.Resources))
	}
	if slices.Contains(kustomization.Resources, "secret.example.yaml") {
		t.Fatal("secret.example.yaml is in the kustomization: the example Secret would be applied")
	}
	for _, file := range append(kustomization.Resources, "secret.example.yaml") {
		data, err := os.ReadFile(filepath.Join(baseDir, file))
		if err != nil {
			t.Fatal(err)
		}
		objects, err := DecodeManifests(file, data)
		if err != nil {
			t.Fatal(err)
		}
		if len(objects) == 0 {
			t.Errorf("%s holds no object", file)
		}
	}
}

func TestStrictDecodingRefusesWhatTheAPIServerWould(t *testing.T) {
	cases := map[string]struct{ manifest, want string }{
		"unknown field": {
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 3\n",
			`unknown field "spec.replica"`,
		},
		"wrong case": {
			"apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports: [{port: 80, targetport: 8080}]\n",
			"targetport",
		},
		"duplicate field": {
			"apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  type: ClusterIP\n  type: NodePort\n",
			"type",
		},
		"unknown kind": {
			"apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n",
			"Deploymnet",
		},
		"bad quantity": {
			"apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: c, resources: {limits: {memory: 512MB}}}]\n",
			"quantities must match",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeManifests(name, []byte(c.manifest))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestBaseAgreesWithTheGateway(t *testing.T) { checkBuild(t, baseDir, 2) }

func TestFleet3OverlayAgreesWithTheGateway(t *testing.T) { checkBuild(t, "../overlays/fleet-3", 3) }

// checkBuild runs `kustomize build dir` and checks its objects against the fleet config and the
// replica count the build must run.
func checkBuild(t *testing.T, dir string, replicas int32) {
	text, err := os.ReadFile(fleetConfig)
	if err != nil {
		t.Fatal(err)
	}
	config, err := ParseFleetConfig(text)
	if err != nil {
		t.Fatal(err)
	}
	objects, err := BuildKustomization(dir)
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := SortFleet(objects)
	if err != nil {
		t.Fatal(err)
	}
	if len(fleet.Secrets) != 0 {
		t.Error("the build holds a Secret: provider keys must come from a Secret made outside it")
	}
	checkFleet(t, fleet, config, string(text), replicas)
}

func checkFleet(t *testing.T, fleet *Fleet, config *FleetConfig, text string, replicas int32) {
	deployment := fleet.Deployment
	pod := deployment.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("expected one container, got %d", len(pod.Containers))
	}
	container := pod.Containers[0]
	env := containerEnv(t, container)

	t.Run("replicas", func(t *testing.T) {
		if got := value(deployment.Spec.Replicas); got != replicas {
			t.Errorf("Deployment replicas %d, want %d", got, replicas)
		}
		if got := value(fleet.Autoscaler.Spec.MinReplicas); got != replicas {
			t.Errorf("autoscaler minReplicas %d, want the Deployment's %d", got, replicas)
		}
		if fleet.Autoscaler.Spec.MaxReplicas <= replicas {
			t.Errorf("autoscaler maxReplicas %d leaves no room above %d", fleet.Autoscaler.Spec.MaxReplicas, replicas)
		}
		expected, err := Resolve(config.Limits.ExpectedReplicas, env)
		if err != nil {
			t.Fatalf("limits.expected_replicas: %v", err)
		}
		if expected != strconv.Itoa(int(replicas)) {
			t.Errorf("limits.expected_replicas is %q, want the replica count %d", expected, replicas)
		}
	})

	t.Run("port and probes", func(t *testing.T) {
		if config.Port() != 8080 {
			t.Errorf("server.port %d, the image exposes 8080", config.Port())
		}
		if config.Server.Host != "" && config.Server.Host != "0.0.0.0" && config.Server.Host != "::" {
			t.Errorf("server.host %q: the kubelet and the Service reach the pod on its own address", config.Server.Host)
		}
		if !slices.ContainsFunc(container.Ports, func(p corev1.ContainerPort) bool { return p.ContainerPort == int32(config.Port()) }) {
			t.Errorf("no container port %d", config.Port())
		}
		checkProbe(t, "liveness", container.LivenessProbe, healthPath, container, config.Port())
		checkProbe(t, "readiness", container.ReadinessProbe, readyPath, container, config.Port())
		service := fleet.Services[deployment.Name]
		if service == nil {
			t.Fatalf("no Service named %s", deployment.Name)
		}
		if len(service.Spec.Ports) != 1 || service.Spec.Ports[0].Port != 8080 {
			t.Errorf("the Service should serve one port, 8080: %+v", service.Spec.Ports)
		} else if got := resolvePort(t, service.Spec.Ports[0].TargetPort, container); got != config.Port() {
			t.Errorf("the Service sends to port %d, the gateway listens on %d", got, config.Port())
		}
		podLabels := labels.Set(deployment.Spec.Template.Labels)
		if !labels.SelectorFromSet(service.Spec.Selector).Matches(podLabels) || len(service.Spec.Selector) == 0 {
			t.Errorf("the Service's selector %v does not select the pods %v", service.Spec.Selector, podLabels)
		}
		for name, selector := range map[string]*metav1.LabelSelector{
			"Deployment": deployment.Spec.Selector, "PodDisruptionBudget": fleet.Disruptions.Spec.Selector,
		} {
			parsed, err := metav1.LabelSelectorAsSelector(selector)
			if err != nil || parsed.Empty() || !parsed.Matches(podLabels) {
				t.Errorf("the %s's selector %v does not select the pods %v (%v)", name, selector, podLabels, err)
			}
		}
	})

	t.Run("config mount", func(t *testing.T) {
		index := slices.Index(container.Args, "--config")
		if len(container.Args) < 3 || container.Args[0] != "serve" || index < 0 || index+1 >= len(container.Args) {
			t.Fatalf("args %v: expected serve --config FILE", container.Args)
		}
		file := container.Args[index+1]
		mount := mountAt(container, path.Dir(file))
		if mount == nil {
			t.Fatalf("nothing is mounted at %s, where --config %s points", path.Dir(file), file)
		}
		volume := volumeNamed(pod, mount.Name)
		if volume == nil || volume.ConfigMap == nil {
			t.Fatalf("the volume mounted at %s is not a ConfigMap", mount.MountPath)
		}
		configMap := fleet.ConfigMaps[volume.ConfigMap.Name]
		if configMap == nil {
			t.Fatalf("the volume names ConfigMap %s, which the build does not hold", volume.ConfigMap.Name)
		}
		if configMap.Data[path.Base(file)] != text {
			t.Errorf("ConfigMap %s key %s is not deploy/kubernetes/base/liter-llm.yaml", configMap.Name, path.Base(file))
		}
		if mount.SubPath != "" {
			t.Error("a subPath mount never sees ConfigMap updates; mount the directory")
		}
	})

	t.Run("drain timing", func(t *testing.T) {
		grace := value(pod.TerminationGracePeriodSeconds) * 1000
		var sleepMs int64
		if hook := container.Lifecycle; hook != nil && hook.PreStop != nil && hook.PreStop.Sleep != nil {
			sleepMs = hook.PreStop.Sleep.Seconds * 1000
		} else {
			t.Error("no preStop sleep: the pod would stop taking connections before every proxy stopped sending")
		}
		// The grace period counts from the start of preStop; the gateway then needs delay + timeout,
		// and a second more to close the engine and flush telemetry.
		need := sleepMs + int64(config.DrainMs()) + 1000
		if grace < need {
			t.Errorf("terminationGracePeriodSeconds %d s < preStop %d ms + drain_delay_ms + drain_timeout_ms %d ms + 1 s",
				grace/1000, sleepMs, config.DrainMs())
		}
		if config.Server.DrainDelayMs == 0 {
			t.Error("server.drain_delay_ms is 0: /readyz would not turn 503 before the gateway stops accepting")
		}
	})

	t.Run("shared stores are external services", func(t *testing.T) {
		if config.Limits.Store != "redis" {
			t.Fatalf("limits.store %q: replicas would each keep their own budget", config.Limits.Store)
		}
		addresses := []string{config.Limits.RedisURL}
		if config.ConfigSource.Etcd == nil || len(config.ConfigSource.Etcd.Endpoints) == 0 {
			t.Fatal("no config_source.etcd endpoints")
		}
		addresses = append(addresses, config.ConfigSource.Etcd.Endpoints...)
		for _, address := range addresses {
			host, err := HostOf(address)
			if err != nil {
				t.Fatal(err)
			}
			service := fleet.Services[host]
			if service == nil || service.Spec.Type != corev1.ServiceTypeExternalName || service.Spec.ExternalName == "" {
				t.Errorf("%s: %s is not an ExternalName Service of the build", address, host)
			}
		}
	})

	t.Run("secrets and variables", func(t *testing.T) {
		example := readSecretExample(t)
		for name, hasDefault := range config.Variables {
			if _, ok := env[name]; !ok && !hasDefault {
				t.Errorf("the config reads ${%s}, which the container does not set", name)
			}
		}
		for _, variable := range container.Env {
			if strings.Contains(strings.ToLower(variable.Name), "key") && variable.Value != "" {
				t.Errorf("%s is written in the manifest: keys come from a Secret", variable.Name)
			}
			if variable.ValueFrom == nil || variable.ValueFrom.SecretKeyRef == nil {
				continue
			}
			reference := variable.ValueFrom.SecretKeyRef
			if reference.Name != example.Name {
				t.Errorf("%s reads Secret %s; secret.example.yaml shows %s", variable.Name, reference.Name, example.Name)
			}
			if _, ok := example.StringData[reference.Key]; !ok {
				t.Errorf("%s reads key %s, which secret.example.yaml does not show", variable.Name, reference.Key)
			}
		}
	})

	t.Run("locked down", func(t *testing.T) {
		security := pod.SecurityContext
		if security == nil || !value(security.RunAsNonRoot) || value(security.RunAsUser) == 0 {
			t.Error("the pod must run as a non-root user (runAsNonRoot and a runAsUser other than 0)")
		}
		containerSecurity := container.SecurityContext
		if containerSecurity == nil || !value(containerSecurity.ReadOnlyRootFilesystem) ||
			value(containerSecurity.AllowPrivilegeEscalation) || containerSecurity.Capabilities == nil ||
			!slices.Contains(containerSecurity.Capabilities.Drop, "ALL") {
			t.Error("the container needs readOnlyRootFilesystem, no privilege escalation and every capability dropped")
		}
		if tmp := mountAt(container, "/tmp"); tmp == nil || volumeNamed(pod, tmp.Name).EmptyDir == nil {
			t.Error("/tmp should be an emptyDir under the read-only root file system")
		}
		limits, requests := container.Resources.Limits, container.Resources.Requests
		if limits.Memory().IsZero() || requests.Memory().IsZero() || requests.Cpu().IsZero() {
			t.Error("the container needs memory requests and limits and a CPU request (the autoscaler's base)")
		}
		if requests.Memory().Cmp(*limits.Memory()) > 0 {
			t.Error("memory request above the limit")
		}
	})

	t.Run("autoscaler", func(t *testing.T) {
		target := fleet.Autoscaler.Spec.ScaleTargetRef
		if target.Kind != "Deployment" || target.Name != deployment.Name || target.APIVersion != "apps/v1" {
			t.Errorf("the autoscaler targets %+v", target)
		}
		var cpu, inflight bool
		for _, metric := range fleet.Autoscaler.Spec.Metrics {
			cpu = cpu || metric.Resource != nil && metric.Resource.Name == corev1.ResourceCPU
			inflight = inflight || metric.Pods != nil && metric.Pods.Metric.Name == inflightMetric
		}
		if !cpu || !inflight {
			t.Errorf("the autoscaler should read CPU (%v) and the Pods metric %s (%v)", cpu, inflightMetric, inflight)
		}
	})

	t.Run("image", func(t *testing.T) {
		var pkg struct{ Version string }
		data, err := os.ReadFile(packageJSON)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &pkg); err != nil {
			t.Fatal(err)
		}
		if want := "liter-llm:" + pkg.Version; container.Image != want {
			t.Errorf("image %s, want %s (the package's version)", container.Image, want)
		}
	})
}

func checkProbe(t *testing.T, name string, probe *corev1.Probe, wantPath string, container corev1.Container, port int) {
	t.Helper()
	if probe == nil || probe.HTTPGet == nil {
		t.Errorf("no %s probe over HTTP", name)
		return
	}
	if probe.HTTPGet.Path != wantPath {
		t.Errorf("%s probe on %s, want %s", name, probe.HTTPGet.Path, wantPath)
	}
	if got := resolvePort(t, probe.HTTPGet.Port, container); got != port {
		t.Errorf("%s probe on port %d, the gateway listens on %d", name, got, port)
	}
}

// resolvePort turns a number or a container port name into the number.
func resolvePort(t *testing.T, port intstr.IntOrString, container corev1.Container) int {
	t.Helper()
	if port.Type == intstr.Int {
		return port.IntValue()
	}
	for _, candidate := range container.Ports {
		if candidate.Name == port.StrVal {
			return int(candidate.ContainerPort)
		}
	}
	t.Errorf("no container port named %q", port.StrVal)
	return 0
}

// containerEnv is the container's environment as the config sees it: a Secret's value counts as set.
func containerEnv(t *testing.T, container corev1.Container) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, variable := range container.Env {
		if _, seen := env[variable.Name]; seen {
			t.Errorf("%s is set twice", variable.Name)
		}
		env[variable.Name] = variable.Value
		if variable.ValueFrom != nil && variable.ValueFrom.SecretKeyRef != nil {
			env[variable.Name] = "(from Secret " + variable.ValueFrom.SecretKeyRef.Name + ")"
		}
	}
	return env
}

func mountAt(container corev1.Container, mountPath string) *corev1.VolumeMount {
	for index := range container.VolumeMounts {
		if path.Clean(container.VolumeMounts[index].MountPath) == path.Clean(mountPath) {
			return &container.VolumeMounts[index]
		}
	}
	return nil
}

func volumeNamed(pod corev1.PodSpec, name string) *corev1.Volume {
	for index := range pod.Volumes {
		if pod.Volumes[index].Name == name {
			return &pod.Volumes[index]
		}
	}
	return &corev1.Volume{}
}

func readSecretExample(t *testing.T) *corev1.Secret {
	t.Helper()
	data, err := os.ReadFile(secretExample)
	if err != nil {
		t.Fatal(err)
	}
	objects, err := DecodeManifests(secretExample, data)
	if err != nil {
		t.Fatal(err)
	}
	secret, ok := objects[0].(*corev1.Secret)
	if len(objects) != 1 || !ok {
		t.Fatal("secret.example.yaml should hold one Secret")
	}
	for key, example := range secret.StringData {
		if !strings.HasPrefix(example, "replace-me") {
			t.Errorf("secret.example.yaml %s looks like a real value; examples say replace-me", key)
		}
	}
	return secret
}

func readYAML(t *testing.T, file string, into any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, into); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func value[T any](pointer *T) T {
	var zero T
	if pointer == nil {
		return zero
	}
	return *pointer
}
