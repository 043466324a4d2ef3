package main

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"istio.io/istio/pilot/pkg/config/kube/crd"
	"istio.io/istio/pkg/config"
	kubelib "istio.io/istio/pkg/kube"
)

// clusterDomain is what istiod's Kubernetes config store stamps on every config; without it short hosts
// resolve against the wrong suffix.
const clusterDomain = "cluster.local"

// inputs are the manifests of one scenario, split the way istiod receives them.
type inputs struct {
	kube     []runtime.Object
	configs  []config.Config
	rejected []string
	services []*corev1.Service
	pods     []*corev1.Pod
	podsByIP map[string]*corev1.Pod
	nsLabels map[string]map[string]string
}

type docHeader struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

func splitDocuments(text string) []string {
	var docs []string
	var cur []string
	flush := func() {
		doc := strings.TrimSpace(strings.Join(cur, "\n"))
		if doc != "" {
			docs = append(docs, doc)
		}
		cur = nil
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "---") && strings.TrimSpace(strings.TrimLeft(line, "-")) == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return docs
}

func isIstioGroup(apiVersion string) bool {
	return strings.HasPrefix(apiVersion, "networking.istio.io/") || strings.HasPrefix(apiVersion, "security.istio.io/")
}

// loadInputs parses a multi-document YAML. Istio configs that fail Istio's own validation are rejected (as the
// admission webhook would) and listed; unknown kinds are ignored.
func loadInputs(text string) (*inputs, error) {
	in := &inputs{podsByIP: map[string]*corev1.Pod{}, nsLabels: map[string]map[string]string{}}
	decode := kubelib.IstioCodec.UniversalDeserializer().Decode
	slices := false
	for _, doc := range splitDocuments(text) {
		var h docHeader
		if err := yaml.Unmarshal([]byte(doc), &h); err != nil {
			return nil, fmt.Errorf("cannot parse document: %v", err)
		}
		if isIstioGroup(h.APIVersion) {
			in.addConfig(doc, h)
			continue
		}
		switch h.Kind {
		case "Namespace", "Service", "Pod", "EndpointSlice":
		default:
			continue
		}
		obj, _, err := decode([]byte(doc), nil, nil)
		if err != nil {
			return nil, fmt.Errorf("%s %s/%s: %v", h.Kind, h.Metadata.Namespace, h.Metadata.Name, err)
		}
		switch o := obj.(type) {
		case *corev1.Service:
			in.services = append(in.services, o)
		case *corev1.Pod:
			in.pods = append(in.pods, o)
		case *corev1.Namespace:
			in.nsLabels[o.Name] = o.Labels
			in.kube = append(in.kube, o)
		case *discoveryv1.EndpointSlice:
			slices = true
			in.kube = append(in.kube, o)
		default:
			in.kube = append(in.kube, obj)
		}
	}
	in.completeServices()
	in.completePods()
	if !slices {
		in.synthesizeEndpointSlices()
	}
	return in, nil
}

func (in *inputs) addConfig(doc string, h docHeader) {
	configs, _, err := crd.ParseInputs(doc)
	if err != nil {
		in.rejected = append(in.rejected, fmt.Sprintf("%s %s/%s: %v", h.Kind, h.Metadata.Namespace, h.Metadata.Name, err))
		return
	}
	for _, c := range configs {
		if c.Namespace == "" {
			c.Namespace = "default"
		}
		c.Domain = clusterDomain
		in.configs = append(in.configs, c)
	}
}

func defaultNamespace(meta *metav1.ObjectMeta) {
	if meta.Namespace == "" {
		meta.Namespace = "default"
	}
}

// completeServices gives every ClusterIP Service an address (the fake API server allocates none).
func (in *inputs) completeServices() {
	for i, svc := range in.services {
		defaultNamespace(&svc.ObjectMeta)
		if svc.Spec.ClusterIP == "" && svc.Spec.Type != corev1.ServiceTypeExternalName {
			svc.Spec.ClusterIP = fmt.Sprintf("10.96.%d.%d", i/250, i%250+1)
		}
		in.kube = append(in.kube, svc)
	}
}

// completePods gives every Pod an IP and, when it has no status, a Running phase and a Ready condition.
func (in *inputs) completePods() {
	for i, pod := range in.pods {
		defaultNamespace(&pod.ObjectMeta)
		if pod.Status.PodIP == "" {
			pod.Status.PodIP = fmt.Sprintf("10.1.%d.%d", i/250, i%250+1)
		}
		pod.Status.PodIPs = []corev1.PodIP{{IP: pod.Status.PodIP}}
		if pod.Status.Phase == "" {
			pod.Status.Phase = corev1.PodRunning
			pod.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
		}
		in.podsByIP[pod.Status.PodIP] = pod
		in.kube = append(in.kube, pod)
	}
}

func podReady(pod *corev1.Pod) bool {
	if pod.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// selectedPods are the Pods a Service's selector picks, as the EndpointSlice controller sees them.
func (in *inputs) selectedPods(svc *corev1.Service) []*corev1.Pod {
	var out []*corev1.Pod
	for _, pod := range in.pods {
		if pod.Namespace == svc.Namespace && selects(svc.Spec.Selector, pod.Labels) {
			out = append(out, pod)
		}
	}
	return out
}

func targetPort(svc *corev1.Service, port corev1.ServicePort, pod *corev1.Pod) int32 {
	switch {
	case port.TargetPort.Type == intstr.Int && port.TargetPort.IntVal != 0:
		return port.TargetPort.IntVal
	case port.TargetPort.Type == intstr.String && port.TargetPort.StrVal != "":
		for _, c := range pod.Spec.Containers {
			for _, p := range c.Ports {
				if p.Name == port.TargetPort.StrVal {
					return p.ContainerPort
				}
			}
		}
	}
	return port.Port
}

// synthesizeEndpointSlices does the EndpointSlice controller's work: one slice per Service with a selector.
func (in *inputs) synthesizeEndpointSlices() {
	for _, svc := range in.services {
		pods := in.selectedPods(svc)
		if len(pods) == 0 {
			continue
		}
		slice := &discoveryv1.EndpointSlice{
			ObjectMeta: metav1.ObjectMeta{
				Name:      svc.Name + "-oracle",
				Namespace: svc.Namespace,
				Labels: map[string]string{
					discoveryv1.LabelServiceName: svc.Name,
					discoveryv1.LabelManagedBy:   "endpointslice-controller.k8s.io",
				},
			},
			AddressType: discoveryv1.AddressTypeIPv4,
		}
		for _, port := range svc.Spec.Ports {
			name, number, proto := port.Name, targetPort(svc, port, pods[0]), corev1.ProtocolTCP
			slice.Ports = append(slice.Ports, discoveryv1.EndpointPort{Name: &name, Port: &number, Protocol: &proto})
		}
		for _, pod := range pods {
			ready := podReady(pod)
			slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{
				Addresses:  []string{pod.Status.PodIP},
				Conditions: discoveryv1.EndpointConditions{Ready: &ready},
				TargetRef:  &corev1.ObjectReference{Kind: "Pod", Name: pod.Name, Namespace: pod.Namespace},
			})
		}
		in.kube = append(in.kube, slice)
	}
}

// hasSidecar: the pod runs istio-proxy, or its namespace is injected and the pod does not opt out.
func (in *inputs) hasSidecar(pod *corev1.Pod) bool {
	for _, c := range pod.Spec.Containers {
		if c.Name == "istio-proxy" {
			return true
		}
	}
	opt := pod.Labels["sidecar.istio.io/inject"]
	if opt == "" {
		opt = pod.Annotations["sidecar.istio.io/inject"]
	}
	if opt != "" {
		return opt == "true"
	}
	ns := in.nsLabels[pod.Namespace]
	return ns["istio-injection"] == "enabled" || (ns["istio-injection"] != "disabled" && ns["istio.io/rev"] != "")
}
