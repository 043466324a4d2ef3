package main

import (
	"fmt"
	"net/netip"
	"strings"

	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"

	"istio.io/istio/pkg/config/protocol"
)

const httpConnectionManagerFilter = "envoy.filters.network.http_connection_manager"

// connection is what a sidecar caller's proxy sees of one outbound connection: the original destination (the
// Service's ClusterIP and port), whether it is TLS (with the SNI the client sends) and the application protocol
// Envoy's inspectors detect.
type connection struct {
	ip        string
	port      uint32
	tls       bool
	sni       string
	appProtos []string
}

// clientConnection: the client speaks the port's protocol — TLS with the dialled name as SNI on TLS/HTTPS ports,
// HTTP/1.1 on HTTP and sniffed ports, opaque bytes on TCP ports.
func clientConnection(ip string, t Target, proto protocol.Instance) connection {
	c := connection{ip: ip, port: uint32(t.Port)}
	switch {
	case proto.IsTLS():
		c.tls, c.sni = true, t.Host
	case proto.IsHTTPOrSniffed() || proto.IsGRPC():
		c.appProtos = []string{"http/1.1"}
	}
	return c
}

// outboundListener is the listener the virtual outbound listener hands the connection to: the one bound to the
// ClusterIP and port, else the wildcard one for the port; nil means passthrough (no listener for the destination).
func outboundListener(v *callerView, c connection) *listener.Listener {
	byName := map[string]*listener.Listener{}
	for _, l := range v.listeners {
		byName[l.GetName()] = l
	}
	if l := byName[fmt.Sprintf("%s_%d", c.ip, c.port)]; l != nil {
		return l
	}
	return byName[fmt.Sprintf("0.0.0.0_%d", c.port)]
}

// pickFilterChain follows Envoy's filter chain match order — destination port, destination IP (longest prefix),
// server name, transport protocol, application protocol — where at each step chains that name the property and
// match it beat chains that leave it empty, and chains that name it and do not match drop out.
func pickFilterChain(l *listener.Listener, c connection) *listener.FilterChain {
	chains := l.GetFilterChains()
	chains = narrow(chains, func(m *listener.FilterChainMatch) (int, bool) {
		p := m.GetDestinationPort().GetValue()
		return boolRank(p != 0, p == c.port)
	})
	chains = narrow(chains, func(m *listener.FilterChainMatch) (int, bool) { return prefixRank(m, c.ip) })
	chains = narrow(chains, func(m *listener.FilterChainMatch) (int, bool) { return serverNameRank(m, c) })
	chains = narrow(chains, func(m *listener.FilterChainMatch) (int, bool) {
		tp := m.GetTransportProtocol()
		want := "raw_buffer"
		if c.tls {
			want = "tls"
		}
		return boolRank(tp != "", tp == want)
	})
	chains = narrow(chains, func(m *listener.FilterChainMatch) (int, bool) {
		protos := m.GetApplicationProtocols()
		return boolRank(len(protos) > 0, anyIn(protos, c.appProtos))
	})
	if len(chains) > 0 {
		return chains[0]
	}
	return l.GetDefaultFilterChain()
}

// narrow keeps the chains whose criterion matches with the highest rank (0 = criterion empty).
func narrow(chains []*listener.FilterChain, rank func(*listener.FilterChainMatch) (int, bool)) []*listener.FilterChain {
	best := -1
	var out []*listener.FilterChain
	for _, fc := range chains {
		r, ok := rank(fc.GetFilterChainMatch())
		switch {
		case !ok || r < best:
		case r > best:
			best, out = r, []*listener.FilterChain{fc}
		default:
			out = append(out, fc)
		}
	}
	return out
}

func boolRank(specified, matches bool) (int, bool) {
	if !specified {
		return 0, true
	}
	return 1, matches
}

func prefixRank(m *listener.FilterChainMatch, ip string) (int, bool) {
	ranges := m.GetPrefixRanges()
	if len(ranges) == 0 {
		return 0, true
	}
	addr, err := netip.ParseAddr(ip)
	best := -1
	for _, r := range ranges {
		prefix, perr := netip.ParsePrefix(fmt.Sprintf("%s/%d", r.GetAddressPrefix(), r.GetPrefixLen().GetValue()))
		if err == nil && perr == nil && prefix.Contains(addr) && prefix.Bits() > best {
			best = prefix.Bits()
		}
	}
	return best + 1, best >= 0
}

func serverNameRank(m *listener.FilterChainMatch, c connection) (int, bool) {
	names := m.GetServerNames()
	if len(names) == 0 {
		return 0, true
	}
	best := -1
	for _, n := range names {
		if rank := domainMatch(strings.ToLower(n), strings.ToLower(c.sni)); rank >= 0 && (best < 0 || rank < best) {
			best = rank
		}
	}
	if best < 0 {
		return 0, false
	}
	return 10 - best, true
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}

// chainRDS is the route configuration name of the chain's HTTP connection manager ("" when it has none).
func chainRDS(fc *listener.FilterChain) (string, bool) {
	for _, f := range fc.GetFilters() {
		if f.GetName() != httpConnectionManagerFilter {
			continue
		}
		m := &hcm.HttpConnectionManager{}
		if err := f.GetTypedConfig().UnmarshalTo(m); err != nil {
			return "", true
		}
		return m.GetRds().GetRouteConfigName(), true
	}
	return "", false
}
