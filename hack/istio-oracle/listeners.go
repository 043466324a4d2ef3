package main

import (
	"fmt"

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

// portProtocol is the Service port's protocol as Istio reads it (name prefix, appProtocol).
func portProtocol(svc *corev1.Service, port int) protocol.Instance {
	for _, p := range svc.Spec.Ports {
		if int(p.Port) == port {
			return kubeconv.ConvertProtocol(p.Port, p.Name, p.Protocol, p.AppProtocol)
		}
	}
	return protocol.HTTP
}

func routeConfigNamed(v *callerView, name string) *route.RouteConfiguration {
	for _, rc := range v.routes {
		if rc.GetName() == name {
			return rc
		}
	}
	return nil
}

// gatewayRoute reads the route an HTTP request to the host gets on the gateway's port (route `http.<port>`).
func (o *oracle) gatewayRoute(v *callerView, res *Result) {
	rc := routeConfigNamed(v, fmt.Sprintf("http.%d", res.Target.Port))
	if rc == nil {
		res.Note = fmt.Sprintf("the gateway has no HTTP route configuration for port %d", res.Target.Port)
		return
	}
	routeIn(rc, res)
}

// sidecarRoute follows the connection the way the caller's Envoy does: the listener for the Service's ClusterIP
// and port (or the port's wildcard listener), the filter chain that matches the connection, then its HTTP route
// configuration or its TCP proxy. No listener: passthrough to the original destination.
func (o *oracle) sidecarRoute(v *callerView, res *Result) {
	svc := o.serviceFor(res.Caller.Namespace, res.Target.Host)
	if svc == nil {
		res.Outcome = "fail"
		res.Note = "the dialled name resolves to no Service"
		return
	}
	conn := clientConnection(svc.Spec.ClusterIP, res.Target, portProtocol(svc, res.Target.Port))
	l := outboundListener(v, conn)
	if l == nil {
		res.Outcome = "route"
		res.Clusters = []ClusterResult{{Name: util.PassthroughCluster, Weight: 1}}
		return
	}
	fc := pickFilterChain(l, conn)
	if fc == nil {
		res.Outcome = "fail"
		res.Note = "no filter chain of listener " + l.GetName() + " matches the connection"
		return
	}
	if rds, isHTTP := chainRDS(fc); isHTTP {
		rc := routeConfigNamed(v, rds)
		if rc == nil {
			res.Outcome = "fail"
			res.Note = "route configuration " + rds + " is missing"
			return
		}
		routeIn(rc, res)
		return
	}
	tcpProxyOf(fc, res)
}

// routeIn picks the virtual host by the Host header and the first route an ordinary request matches.
func routeIn(rc *route.RouteConfiguration, res *Result) {
	res.Outcome = "route"
	res.RouteConfig = rc.GetName()
	vh := pickVirtualHost(rc, res.Target.Host)
	if vh == nil {
		res.Note = "no virtual host for the host (404)"
		return
	}
	res.VirtualHost = vh.GetName()
	r := pickRoute(vh, request{authority: res.Target.Host})
	if r == nil {
		res.Note = "no route matches an ordinary request (404)"
		return
	}
	res.Route = r.GetName()
	clusters, other := routeClusters(r)
	if other != "" {
		res.Outcome = "direct"
		res.Note = other
		return
	}
	for _, c := range clusters {
		res.Clusters = append(res.Clusters, ClusterResult{Name: c.Name, Weight: c.Weight})
	}
}

// tcpProxyOf reads the TCP proxy of a filter chain (TCP and TLS routes, opaque ports).
func tcpProxyOf(fc *listener.FilterChain, res *Result) {
	res.Outcome = "tcp"
	for _, f := range fc.GetFilters() {
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
