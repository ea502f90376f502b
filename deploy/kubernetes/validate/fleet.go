package validate

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Fleet is what one kustomize build must hold: the gateway's Deployment and everything around it.
type Fleet struct {
	Deployment  *appsv1.Deployment
	Autoscaler  *autoscalingv2.HorizontalPodAutoscaler
	Disruptions *policyv1.PodDisruptionBudget
	Services    map[string]*corev1.Service
	ConfigMaps  map[string]*corev1.ConfigMap
	Secrets     []*corev1.Secret
}

// SortFleet files decoded objects by kind; a second Deployment, autoscaler or budget is an error,
// since the cross-checks would otherwise look at one of them only.
func SortFleet(objects []runtime.Object) (*Fleet, error) {
	fleet := &Fleet{Services: map[string]*corev1.Service{}, ConfigMaps: map[string]*corev1.ConfigMap{}}
	for _, object := range objects {
		switch typed := object.(type) {
		case *appsv1.Deployment:
			if fleet.Deployment != nil {
				return nil, fmt.Errorf("more than one Deployment: %s and %s", fleet.Deployment.Name, typed.Name)
			}
			fleet.Deployment = typed
		case *autoscalingv2.HorizontalPodAutoscaler:
			if fleet.Autoscaler != nil {
				return nil, fmt.Errorf("more than one HorizontalPodAutoscaler")
			}
			fleet.Autoscaler = typed
		case *policyv1.PodDisruptionBudget:
			if fleet.Disruptions != nil {
				return nil, fmt.Errorf("more than one PodDisruptionBudget")
			}
			fleet.Disruptions = typed
		case *corev1.Service:
			fleet.Services[typed.Name] = typed
		case *corev1.ConfigMap:
			fleet.ConfigMaps[typed.Name] = typed
		case *corev1.Secret:
			fleet.Secrets = append(fleet.Secrets, typed)
		default:
			return nil, fmt.Errorf("unexpected object %T", object)
		}
	}
	if fleet.Deployment == nil || fleet.Autoscaler == nil || fleet.Disruptions == nil {
		return nil, fmt.Errorf("a fleet needs a Deployment, a HorizontalPodAutoscaler and a PodDisruptionBudget")
	}
	return fleet, nil
}
