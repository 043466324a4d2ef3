package main

import (
	"regexp"
	"sort"
	"strings"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcher "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
)

// What Envoy does with one ordinary request (GET /, no headers but the authority) on a route configuration:
// the virtual host by domain, then the first route whose match fits.

// pickVirtualHost follows Envoy's domain order: exact, longest suffix wildcard, longest prefix wildcard, `*`.
func pickVirtualHost(rc *route.RouteConfiguration, host string) *route.VirtualHost {
	host = strings.ToLower(host)
	type candidate struct {
		vh    *route.VirtualHost
		rank  int
		width int
	}
	var best *candidate
	for _, vh := range rc.GetVirtualHosts() {
		for _, d := range vh.GetDomains() {
			d = strings.ToLower(d)
			c := domainMatch(d, host)
			if c < 0 {
				continue
			}
			cand := &candidate{vh: vh, rank: c, width: len(d)}
			if best == nil || cand.rank < best.rank || (cand.rank == best.rank && cand.width > best.width) {
				best = cand
			}
		}
	}
	if best == nil {
		return nil
	}
	return best.vh
}

// domainMatch ranks a domain against a host (0 exact, 1 suffix wildcard, 2 prefix wildcard, 3 `*`; -1 none).
func domainMatch(domain, host string) int {
	switch {
	case domain == host:
		return 0
	case domain == "*":
		return 3
	case strings.HasPrefix(domain, "*") && strings.HasSuffix(host, domain[1:]) && len(host) > len(domain)-1:
		return 1
	case strings.HasSuffix(domain, "*") && strings.HasPrefix(host, domain[:len(domain)-1]) && len(host) > len(domain)-1:
		return 2
	}
	return -1
}

// request is what the oracle sends: an ordinary GET / with only pseudo-headers.
type request struct {
	authority string
}

func (r request) header(name string) (string, bool) {
	switch strings.ToLower(name) {
	case ":authority", "host":
		return r.authority, true
	case ":method":
		return "GET", true
	case ":path":
		return "/", true
	case ":scheme":
		return "http", true
	}
	return "", false
}

func pickRoute(vh *route.VirtualHost, req request) *route.Route {
	for _, r := range vh.GetRoutes() {
		if routeMatches(r.GetMatch(), req) {
			return r
		}
	}
	return nil
}

func routeMatches(m *route.RouteMatch, req request) bool {
	if m == nil {
		return false
	}
	if !pathMatches(m) {
		return false
	}
	for _, h := range m.GetHeaders() {
		if !headerMatches(h, req) {
			return false
		}
	}
	for _, q := range m.GetQueryParameters() {
		if !q.GetPresentMatch() && q.GetStringMatch() == nil {
			continue
		}
		return false
	}
	return true
}

func pathMatches(m *route.RouteMatch) bool {
	switch p := m.GetPathSpecifier().(type) {
	case *route.RouteMatch_Prefix:
		return strings.HasPrefix("/", p.Prefix)
	case *route.RouteMatch_Path:
		return p.Path == "/"
	case *route.RouteMatch_SafeRegex:
		re, err := regexp.Compile("^(?:" + p.SafeRegex.GetRegex() + ")$")
		return err == nil && re.MatchString("/")
	case *route.RouteMatch_PathSeparatedPrefix:
		return p.PathSeparatedPrefix == "/"
	case nil:
		return true
	}
	return false
}

func headerMatches(h *route.HeaderMatcher, req request) bool {
	value, present := req.header(h.GetName())
	var ok bool
	switch spec := h.GetHeaderMatchSpecifier().(type) {
	case *route.HeaderMatcher_PresentMatch:
		ok = present == spec.PresentMatch
		return ok != h.GetInvertMatch()
	case *route.HeaderMatcher_StringMatch:
		ok = present && stringMatches(spec.StringMatch, value)
	case *route.HeaderMatcher_ExactMatch:
		ok = present && value == spec.ExactMatch
	case *route.HeaderMatcher_PrefixMatch:
		ok = present && strings.HasPrefix(value, spec.PrefixMatch)
	case nil:
		ok = present
	default:
		ok = false
	}
	if !present && !h.GetTreatMissingHeaderAsEmpty() {
		return h.GetInvertMatch()
	}
	return ok != h.GetInvertMatch()
}

func stringMatches(m *matcher.StringMatcher, value string) bool {
	switch p := m.GetMatchPattern().(type) {
	case *matcher.StringMatcher_Exact:
		return value == p.Exact
	case *matcher.StringMatcher_Prefix:
		return strings.HasPrefix(value, p.Prefix)
	case *matcher.StringMatcher_Suffix:
		return strings.HasSuffix(value, p.Suffix)
	case *matcher.StringMatcher_Contains:
		return strings.Contains(value, p.Contains)
	case *matcher.StringMatcher_SafeRegex:
		re, err := regexp.Compile("^(?:" + p.SafeRegex.GetRegex() + ")$")
		return err == nil && re.MatchString(value)
	}
	return false
}

// weightedClusters is a route action's clusters with their weights (one cluster weighs 1).
type weightedCluster struct {
	Name   string `json:"name"`
	Weight uint32 `json:"weight"`
}

func routeClusters(r *route.Route) ([]weightedCluster, string) {
	action := r.GetRoute()
	if action == nil {
		switch {
		case r.GetRedirect() != nil:
			return nil, "redirect"
		case r.GetDirectResponse() != nil:
			return nil, "direct-response"
		}
		return nil, "no-action"
	}
	switch spec := action.GetClusterSpecifier().(type) {
	case *route.RouteAction_Cluster:
		return []weightedCluster{{Name: spec.Cluster, Weight: 1}}, ""
	case *route.RouteAction_WeightedClusters:
		var out []weightedCluster
		for _, c := range spec.WeightedClusters.GetClusters() {
			out = append(out, weightedCluster{Name: c.GetName(), Weight: c.GetWeight().GetValue()})
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out, ""
	}
	return nil, "unsupported-action"
}
