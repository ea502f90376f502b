// Package validate checks the kustomize base and overlays under deploy/kubernetes against the
// Kubernetes API types of k8s.io/api (the schemas the API server itself decodes with) and against
// the gateway's own config. It is only tests: `go test ./...` from this directory, run by
// scripts/test-all.sh as part of `make test`.
package validate

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// The API groups the manifests may use; an object of any other kind is refused, so a typo in
// apiVersion or kind cannot slip through as "unknown, not checked".
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, autoscalingv2.AddToScheme, policyv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// Strict as `kubectl apply --validate=strict` is on the server: an unknown or duplicated field, or
// a field spelled with the wrong case, is an error naming its path.
var strictYAML = kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
	kjson.SerializerOptions{Yaml: true, Strict: true})

// DecodeManifests decodes every YAML document of a multi-document stream into its k8s.io/api type.
// source names the stream in errors.
func DecodeManifests(source string, data []byte) ([]runtime.Object, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objects []runtime.Object
	for index := 0; ; index++ {
		document, err := reader.Read()
		if err == io.EOF {
			return objects, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", source, index, err)
		}
		if len(bytes.TrimSpace(stripComments(document))) == 0 {
			continue
		}
		object, _, err := strictYAML.Decode(document, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", source, index, err)
		}
		objects = append(objects, object)
	}
}

// stripComments drops whole-line comments, so a document of comments only counts as empty.
func stripComments(document []byte) []byte {
	var kept [][]byte
	for _, line := range bytes.Split(document, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			kept = append(kept, line)
		}
	}
	return bytes.Join(kept, []byte("\n"))
}
