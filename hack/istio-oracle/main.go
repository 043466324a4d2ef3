// Command istio-oracle feeds Kubernetes and Istio manifests into Istio's own config generation (pilot's
// in-process discovery server, the harness Istio's tests use) and prints, per caller and host, the route Istio
// generates, the endpoints of each cluster and the canary share that follows. truesplit's code is not involved.
//
// One scenario from a file or stdin:
//
//	istio-oracle -f manifests.yaml -canary rollouts-pod-template-hash=abc \
//	  -caller sidecar:shop:app=web -caller gateway:istio-system:istio=ingressgateway -host reviews.shop:80
//
// Many scenarios, one process: `istio-oracle -serve` reads one JSON scenario per line on stdin
// ({"id","manifests","callers","hosts","canary"}) and writes one JSON answer per line on stdout.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"istio.io/istio/pkg/log"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var callers, hosts listFlag
	file := flag.String("f", "-", "multi-document YAML manifests (- for stdin)")
	canary := flag.String("canary", "rollouts-pod-template-hash=canary", "label key=value marking canary pods")
	serve := flag.Bool("serve", false, "read JSON scenarios line by line on stdin, answer each on stdout")
	flag.Var(&callers, "caller", "kind:namespace[:k=v,k=v] with kind sidecar, gateway or plain (repeatable)")
	flag.Var(&hosts, "host", "host as the caller names it, with :port (default 80) (repeatable)")
	flag.Parse()
	quietLogs()
	if *serve {
		if err := serveLines(os.Stdin, os.Stdout); err != nil {
			fail(err)
		}
		return
	}
	sc, err := scenarioFromFlags(*file, *canary, callers, hosts)
	if err != nil {
		fail(err)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	_ = out.Encode(evaluate(sc))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "istio-oracle:", err)
	os.Exit(2)
}

// quietLogs sends Istio's logs to stderr, errors only: stdout carries the answers.
func quietLogs() {
	opts := log.DefaultOptions()
	opts.OutputPaths = []string{"stderr"}
	opts.SetDefaultOutputLevel(log.OverrideScopeName, log.ErrorLevel)
	if v := os.Getenv("ISTIO_ORACLE_LOG"); v == "" {
		opts.SetDefaultOutputLevel(log.OverrideScopeName, log.NoneLevel)
	}
	_ = log.Configure(opts)
}

func serveLines(r io.Reader, w io.Writer) error {
	in := bufio.NewReader(r)
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	for {
		line, err := in.ReadBytes('\n')
		if len(strings.TrimSpace(string(line))) > 0 {
			var sc Scenario
			ans := Answer{}
			if jerr := json.Unmarshal(line, &sc); jerr != nil {
				ans.Error = "bad scenario line: " + jerr.Error()
			} else {
				ans = evaluate(sc)
			}
			if eerr := enc.Encode(ans); eerr != nil {
				return eerr
			}
			if ferr := out.Flush(); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func scenarioFromFlags(file, canary string, callers, hosts []string) (Scenario, error) {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return Scenario{}, err
	}
	sc := Scenario{Manifests: string(data), Canary: canary}
	for _, c := range callers {
		parsed, perr := parseCaller(c)
		if perr != nil {
			return Scenario{}, perr
		}
		sc.Callers = append(sc.Callers, parsed)
	}
	for _, h := range hosts {
		t := Target{Host: h, Port: 80}
		if name, port, ok := strings.Cut(h, ":"); ok {
			n, perr := strconv.Atoi(port)
			if perr != nil {
				return Scenario{}, fmt.Errorf("-host %q: port must be a number", h)
			}
			t = Target{Host: name, Port: n}
		}
		sc.Hosts = append(sc.Hosts, t)
	}
	if len(sc.Callers) == 0 || len(sc.Hosts) == 0 {
		return Scenario{}, fmt.Errorf("at least one -caller and one -host are needed")
	}
	return sc, nil
}

func parseCaller(s string) (Caller, error) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) < 2 || (parts[0] != "sidecar" && parts[0] != "gateway" && parts[0] != "plain") {
		return Caller{}, fmt.Errorf("-caller %q: want kind:namespace[:k=v,...] with kind sidecar, gateway or plain", s)
	}
	c := Caller{Kind: parts[0], Namespace: parts[1], Labels: map[string]string{}}
	if len(parts) == 3 && parts[2] != "" {
		for _, kv := range strings.Split(parts[2], ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return Caller{}, fmt.Errorf("-caller %q: label %q is not k=v", s, kv)
			}
			c.Labels[k] = v
		}
	}
	return c, nil
}
