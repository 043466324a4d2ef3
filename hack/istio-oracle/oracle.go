package main

import (
	"fmt"
	"sort"
	"strings"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	corev1 "k8s.io/api/core/v1"

	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pilot/pkg/networking/util"
	"istio.io/istio/pilot/pkg/xds/endpoints"
	"istio.io/istio/pilot/test/xds"
)

// Caller is who sends the request: a sidecar proxy (namespace, labels), an ingress gateway (router proxy with
// labels, usually in istio-system), or a pod without a proxy ("plain": kube-proxy balancing, mTLS checked).
type Caller struct {
	ID        string            `json:"id,omitempty"`
	Kind      string            `json:"kind"`
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels,omitempty"`
}

// Target is the host as the caller names it (short, name.ns, FQDN) and the port it dials.
type Target struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

type Scenario struct {
	ID        string   `json:"id,omitempty"`
	Manifests string   `json:"manifests"`
	Callers   []Caller `json:"callers"`
	Hosts     []Target `json:"hosts"`
	// Canary is `key=value`: endpoints whose pod carries this label are canary (a pod-template hash or subset label).
	Canary string `json:"canary"`
}

type Endpoint struct {
	IP      string `json:"ip"`
	Pod     string `json:"pod,omitempty"`
	Canary  bool   `json:"canary"`
	Healthy bool   `json:"healthy"`
}

type ClusterResult struct {
	Name      string     `json:"name"`
	Weight    uint32     `json:"weight"`
	Exists    bool       `json:"exists"`
	Endpoints []Endpoint `json:"endpoints"`
}

// Result is one caller × host: what Istio generated and the canary share that follows from it.
type Result struct {
	Caller Caller `json:"caller"`
	Target Target `json:"target"`
	// Outcome: route (HTTP route), tcp (TCP/TLS proxy), passthrough (no config for the host: kube-proxy balances),
	// plain (no proxy), blackhole, fail (no route / 503 / mTLS rejects), direct (redirect or direct response).
	Outcome     string          `json:"outcome"`
	RouteConfig string          `json:"routeConfig,omitempty"`
	VirtualHost string          `json:"virtualHost,omitempty"`
	Route       string          `json:"route,omitempty"`
	Clusters    []ClusterResult `json:"clusters,omitempty"`
	CanaryShare *float64        `json:"canaryShare"`
	Note        string          `json:"note,omitempty"`
}

type Answer struct {
	ID       string   `json:"id,omitempty"`
	Results  []Result `json:"results"`
	Rejected []string `json:"rejected,omitempty"`
	Error    string   `json:"error,omitempty"`
}

func evaluate(sc Scenario) Answer {
	ans := Answer{ID: sc.ID}
	in, err := loadInputs(sc.Manifests)
	if err != nil {
		ans.Error = err.Error()
		return ans
	}
	ans.Rejected = in.rejected
	canaryKey, canaryValue, _ := strings.Cut(sc.Canary, "=")
	err = runWithFailer(func(t *failer) {
		s := xds.NewFakeDiscoveryServer(t, xds.FakeOptions{KubernetesObjects: in.kube, Configs: in.configs})
		o := &oracle{s: s, in: in, canaryKey: canaryKey, canaryValue: canaryValue}
		for _, c := range sc.Callers {
			v := o.view(c)
			for _, h := range sc.Hosts {
				ans.Results = append(ans.Results, o.resolve(v, h))
			}
		}
	})
	if err != nil {
		ans.Error = err.Error()
	}
	return ans
}

type oracle struct {
	s           *xds.FakeDiscoveryServer
	in          *inputs
	canaryKey   string
	canaryValue string
	callerSeq   int
}

func (o *oracle) proxy(c Caller) *model.Proxy {
	o.callerSeq++
	labels := map[string]string{}
	for k, v := range c.Labels {
		labels[k] = v
	}
	ptype := model.SidecarProxy
	if c.Kind == "gateway" {
		ptype = model.Router
	}
	return o.s.SetupProxy(&model.Proxy{
		Type:            ptype,
		ID:              fmt.Sprintf("caller-%d.%s", o.callerSeq, c.Namespace),
		ConfigNamespace: c.Namespace,
		Labels:          labels,
		IPAddresses:     []string{fmt.Sprintf("10.250.%d.%d", o.callerSeq/250, o.callerSeq%250+1)},
		Metadata:        &model.NodeMetadata{Labels: labels, Namespace: c.Namespace},
	})
}

// callerView is what Istio generates for one caller's proxy, built once for every host it dials.
type callerView struct {
	caller    Caller
	proxy     *model.Proxy
	clusters  map[string]*cluster.Cluster
	routes    []*route.RouteConfiguration
	listeners []*listener.Listener
}

func (o *oracle) view(c Caller) *callerView {
	v := &callerView{caller: c}
	if c.Kind == "plain" {
		return v
	}
	v.proxy = o.proxy(c)
	v.clusters = map[string]*cluster.Cluster{}
	for _, cl := range o.s.Clusters(v.proxy) {
		v.clusters[cl.Name] = cl
	}
	v.listeners = o.s.Listeners(v.proxy)
	v.routes = o.s.RoutesFromListeners(v.proxy, v.listeners)
	return v
}

func (o *oracle) resolve(v *callerView, t Target) Result {
	res := Result{Caller: v.caller, Target: t}
	if v.caller.Kind == "plain" {
		o.plain(&res)
		return res
	}
	if v.caller.Kind == "gateway" {
		o.gatewayRoute(v, &res)
	} else {
		o.sidecarRoute(v, &res)
	}
	o.finish(v.proxy, v.clusters, &res)
	return res
}

// finish turns the chosen clusters into endpoints and a share (passthrough: kube-proxy over the Service).
func (o *oracle) finish(p *model.Proxy, clusters map[string]*cluster.Cluster, res *Result) {
	if len(res.Clusters) == 0 {
		if res.Outcome != "direct" {
			res.Outcome = "fail"
		}
		return
	}
	if len(res.Clusters) == 1 {
		switch res.Clusters[0].Name {
		case util.PassthroughCluster:
			res.Outcome = "passthrough"
			res.Clusters = nil
			o.kubeProxyShare(res)
			return
		case util.BlackHoleCluster:
			res.Outcome = "blackhole"
			return
		}
	}
	var total, canary float64
	failed := false
	for i := range res.Clusters {
		cr := &res.Clusters[i]
		_, cr.Exists = clusters[cr.Name]
		if cr.Exists {
			cr.Endpoints = o.endpoints(p, cr.Name)
		}
		healthy, canaryHealthy := 0, 0
		for _, e := range cr.Endpoints {
			if e.Healthy {
				healthy++
				if e.Canary {
					canaryHealthy++
				}
			}
		}
		if cr.Weight == 0 {
			continue
		}
		total += float64(cr.Weight)
		if healthy == 0 {
			failed = true
			continue
		}
		canary += float64(cr.Weight) * float64(canaryHealthy) / float64(healthy)
	}
	if failed || total == 0 {
		res.Outcome = "fail"
		res.Note = "a weighted cluster is missing or has no healthy endpoint (503)"
		return
	}
	share := canary / total
	res.CanaryShare = &share
}

func (o *oracle) endpoints(p *model.Proxy, name string) []Endpoint {
	b := endpoints.NewEndpointBuilder(name, p, o.s.PushContext())
	cla := b.BuildClusterLoadAssignment(o.s.Discovery.Env.EndpointIndex)
	var out []Endpoint
	for _, loc := range cla.GetEndpoints() {
		for _, lb := range loc.GetLbEndpoints() {
			ip := lb.GetEndpoint().GetAddress().GetSocketAddress().GetAddress()
			hs := lb.GetHealthStatus()
			e := Endpoint{IP: ip, Healthy: hs == core.HealthStatus_HEALTHY || hs == core.HealthStatus_UNKNOWN}
			if pod := o.in.podsByIP[ip]; pod != nil {
				e.Pod = pod.Namespace + "/" + pod.Name
				e.Canary = pod.Labels[o.canaryKey] == o.canaryValue
			}
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].IP < out[j].IP })
	return out
}

// serviceFor resolves a dialled name the way the caller's DNS search path does.
func (o *oracle) serviceFor(callerNs, host string) *corev1.Service {
	fqdn := host
	switch strings.Count(host, ".") {
	case 0:
		fqdn = host + "." + callerNs + ".svc." + clusterDomain
	case 1:
		fqdn = host + ".svc." + clusterDomain
	default:
		if strings.HasSuffix(host, ".svc") {
			fqdn = host + "." + clusterDomain
		}
	}
	for _, svc := range o.in.services {
		if svc.Name+"."+svc.Namespace+".svc."+clusterDomain == fqdn {
			return svc
		}
	}
	return nil
}

// kubeProxyShare is the split without L7 routing: ready canary pods over ready pods the Service selects.
func (o *oracle) kubeProxyShare(res *Result) {
	svc := o.serviceFor(res.Caller.Namespace, res.Target.Host)
	if svc == nil {
		res.Note = "the dialled name resolves to no Service"
		return
	}
	ready, canary := 0, 0
	for _, pod := range o.in.selectedPods(svc) {
		if !podReady(pod) {
			continue
		}
		ready++
		if pod.Labels[o.canaryKey] == o.canaryValue {
			canary++
		}
	}
	if ready == 0 {
		res.Note = "the Service selects no ready pod"
		return
	}
	share := float64(canary) / float64(ready)
	res.CanaryShare = &share
}
