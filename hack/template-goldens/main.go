// Renders notification templates with Go's text/template and sprig — the functions notifications-engine
// gives templates — to produce the golden outputs of truesplit's template conformance test.
//
//	go run . ../../test/fixtures/notifications > ../../test/fixtures/notifications/goldens.json
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

type configMap struct {
	Data map[string]string `json:"data"`
}

func render(source string, vars any) string {
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	tmpl, err := template.New("t").Funcs(funcs).Parse(source)
	if err != nil {
		return "PARSE ERROR: " + err.Error()
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, vars); err != nil {
		return "EXEC ERROR: " + err.Error()
	}
	return out.String()
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	dir := os.Args[1]
	var vars map[string]any
	raw, err := os.ReadFile(filepath.Join(dir, "vars.json"))
	must(err)
	must(json.Unmarshal(raw, &vars))
	golden := map[string]string{}

	var catalog configMap
	raw, err = os.ReadFile(filepath.Join(dir, "argo-catalog.yaml"))
	must(err)
	must(yaml.Unmarshal(raw, &catalog))
	for key, value := range catalog.Data {
		var tmpl struct {
			Message string `json:"message"`
			Slack   struct {
				Attachments string `json:"attachments"`
			} `json:"slack"`
		}
		if err := yaml.Unmarshal([]byte(value), &tmpl); err != nil || len(key) < 9 || key[:9] != "template." {
			continue
		}
		golden[key+"/message"] = render(tmpl.Message, vars)
		golden[key+"/slack.attachments"] = render(tmpl.Slack.Attachments, vars)
	}

	var probes map[string]string
	raw, err = os.ReadFile(filepath.Join(dir, "probes.yaml"))
	must(err)
	must(yaml.Unmarshal(raw, &probes))
	for name, source := range probes {
		golden["probe."+name] = render(source, vars)
	}

	keys := make([]string, 0, len(golden))
	for k := range golden {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ordered := make([]map[string]string, 0, len(keys))
	for _, k := range keys {
		ordered = append(ordered, map[string]string{"name": k, "output": golden[k]})
	}
	out, err := json.MarshalIndent(ordered, "", "  ")
	must(err)
	fmt.Println(string(out))
}
