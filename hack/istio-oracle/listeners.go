package main

import (
	"fmt"
	"strconv"
	"strings"

	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	tcp "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	corev1 "k8s.io/api/core/v1"

	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pilot/pkg/networking/util"
	kubeconv "istio.io/istio/pkg/config/kube"
	"istio.io/istio/pkg/config/protocol"
)

const tcpProxyFilter = "envoy.filters.network.tcp_proxy"

// portProtocol is the Service port's protocol as Istio reads it (name prefix, appProtocol); gateways speak HTTP.
func (o *oracle) portProtocol(c Caller, t Target) protocol.Instance {
	if c.Kind == "gateway" {
		return protocol.HTTP
	}
	svc := o.serviceFor(c.Namespace, t.Host)
	if svc == nil {
		return protocol.HTTP
	}
	for _, p := range svc.Spec.Ports {
		if int(p.Port) == t.Port {
			return kubeconv.ConvertProtocol(p.Port, p.Name, p.Protocol, p.AppProtocol)
		}
	}
	return protocol.HTTP
}

func routeConfig(v *callerView, port int) *route.RouteConfiguration {
	want := strconv.Itoa(port)
	for _, rc := range v.routes {
		name := rc.GetName()
		if name == want || strings.HasSuffix(name, "."+want) {
			return rc
		}
	}
	return nil
}

// httpRoute reads the route an HTTP request to the host gets; false when the port is not HTTP.
func (o *oracle) httpRoute(v *callerView, res *Result) bool {
	proto := o.portProtocol(res.Caller, res.Target)
	if proto.IsTCP() || proto.IsTLS() {
		return false
	}
	rc := routeConfig(v, res.Target.Port)
	if rc == nil {
		if res.Caller.Kind == "gateway" {
			res.Note = fmt.Sprintf("the gateway has no HTTP route configuration for port %d", res.Target.Port)
			res.Clusters = nil
			return true
		}
		res.Outcome = "route"
		res.Clusters = []ClusterResult{{Name: util.PassthroughCluster, Weight: 1}}
		return true
	}
	res.Outcome = "route"
	res.RouteConfig = rc.GetName()
	vh := pickVirtualHost(rc, res.Target.Host)
	if vh == nil {
		res.Note = "no virtual host for the host (404)"
		return true
	}
	res.VirtualHost = vh.GetName()
	r := pickRoute(vh, request{authority: res.Target.Host})
	if r == nil {
		res.Note = "no route matches an ordinary request (404)"
		return true
	}
	res.Route = r.GetName()
	clusters, other := routeClusters(r)
	if other != "" {
		res.Outcome = "direct"
		res.Note = other
		return true
	}
	for _, c := range clusters {
		res.Clusters = append(res.Clusters, ClusterResult{Name: c.Name, Weight: c.Weight})
	}
	return true
}

// tcpRoute reads the TCP proxy of the Service's outbound listener (TLS: the filter chain for the SNI).
func (o *oracle) tcpRoute(v *callerView, res *Result) {
	svc := o.serviceFor(res.Caller.Namespace, res.Target.Host)
	res.Outcome = "tcp"
	if svc == nil {
		res.Note = "the dialled name resolves to no Service"
		return
	}
	name := fmt.Sprintf("%s_%d", svc.Spec.ClusterIP, res.Target.Port)
	var found *listener.Listener
	for _, l := range v.listeners {
		if l.GetName() == name {
			found = l
		}
	}
	if found == nil {
		res.Clusters = []ClusterResult{{Name: util.PassthroughCluster, Weight: 1}}
		return
	}
	chain := pickChain(found, res.Target.Host)
	if chain == nil {
		res.Note = "no filter chain for the SNI"
		return
	}
	for _, f := range chain.GetFilters() {
		if f.GetName() != tcpProxyFilter {
			continue
		}
		proxy := &tcp.TcpProxy{}
		if err := f.GetTypedConfig().UnmarshalTo(proxy); err != nil {
			res.Note = err.Error()
			return
		}
		res.Clusters = tcpClusters(proxy)
		return
	}
	res.Note = "the filter chain has no TCP proxy"
}

func pickChain(l *listener.Listener, sni string) *listener.FilterChain {
	var fallback *listener.FilterChain
	for _, fc := range l.GetFilterChains() {
		names := fc.GetFilterChainMatch().GetServerNames()
		if len(names) == 0 {
			if fallback == nil {
				fallback = fc
			}
			continue
		}
		for _, n := range names {
			if domainMatch(strings.ToLower(n), strings.ToLower(sni)) >= 0 {
				return fc
			}
		}
	}
	return fallback
}

func tcpClusters(proxy *tcp.TcpProxy) []ClusterResult {
	switch spec := proxy.GetClusterSpecifier().(type) {
	case *tcp.TcpProxy_Cluster:
		return []ClusterResult{{Name: spec.Cluster, Weight: 1}}
	case *tcp.TcpProxy_WeightedClusters:
		var out []ClusterResult
		for _, c := range spec.WeightedClusters.GetClusters() {
			out = append(out, ClusterResult{Name: c.GetName(), Weight: c.GetWeight()})
		}
		return out
	}
	return nil
}

// plain is a caller without a proxy: kube-proxy balances over ready pods, unless a destination sidecar's
// inbound listener accepts only mTLS on the target port.
func (o *oracle) plain(res *Result) {
	res.Outcome = "plain"
	svc := o.serviceFor(res.Caller.Namespace, res.Target.Host)
	if svc == nil {
		res.Note = "the dialled name resolves to no Service"
		return
	}
	for _, pod := range o.in.selectedPods(svc) {
		if !podReady(pod) || !o.in.hasSidecar(pod) {
			continue
		}
		if !o.acceptsPlaintext(pod, targetPortFor(svc, res.Target.Port, pod)) {
			res.Outcome = "fail"
			res.Note = "the inbound listener of " + pod.Namespace + "/" + pod.Name + " accepts only mTLS"
			return
		}
	}
	o.kubeProxyShare(res)
}

func targetPortFor(svc *corev1.Service, port int, pod *corev1.Pod) uint32 {
	for _, p := range svc.Spec.Ports {
		if int(p.Port) == port {
			return uint32(targetPort(svc, p, pod))
		}
	}
	return uint32(port)
}

func (o *oracle) acceptsPlaintext(pod *corev1.Pod, port uint32) bool {
	p := o.s.SetupProxy(&model.Proxy{
		Type:            model.SidecarProxy,
		ID:              pod.Name + "." + pod.Namespace,
		ConfigNamespace: pod.Namespace,
		Labels:          pod.Labels,
		IPAddresses:     []string{pod.Status.PodIP},
		Metadata:        &model.NodeMetadata{Labels: pod.Labels, Namespace: pod.Namespace},
	})
	for _, l := range o.s.Listeners(p) {
		if l.GetName() != model.VirtualInboundListenerName {
			continue
		}
		var portChains, anyPort []*listener.FilterChain
		for _, fc := range l.GetFilterChains() {
			m := fc.GetFilterChainMatch()
			switch m.GetDestinationPort().GetValue() {
			case port:
				portChains = append(portChains, fc)
			case 0:
				anyPort = append(anyPort, fc)
			}
		}
		if len(portChains) == 0 {
			portChains = anyPort
		}
		for _, fc := range portChains {
			tp := fc.GetFilterChainMatch().GetTransportProtocol()
			if tp == "" || tp == "raw_buffer" {
				return true
			}
		}
		return false
	}
	return true
}
